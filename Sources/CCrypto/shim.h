// The low-level SHA256_* calls are deprecated in OpenSSL 3 but stable and the fastest
// path to the SHA-NI code; silence the deprecation attributes.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
