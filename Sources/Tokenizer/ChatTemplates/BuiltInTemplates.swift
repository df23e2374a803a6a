/// The Jinja sources of the built-in families, written for pref and rendered by the same
/// engine as any model's template.
enum BuiltInTemplates {
    static func source(_ family: ChatTemplateFamily) -> String {
        switch family {
        case .chatml:
            """
            {% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}\
            {% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}
            """
        case .llama3:
            """
            {% for message in messages %}{% if loop.first %}{{ bos_token }}{% endif %}\
            {{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}\
            {% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}
            """
        case .zephyr:
            """
            {% for message in messages %}{% if message['role'] not in ['system', 'user', 'assistant'] %}\
            {{ raise_exception('the zephyr template has no role ' ~ message['role']) }}{% endif %}\
            {{ '<|' + message['role'] + '|>\\n' + message['content'] + eos_token + '\\n' }}\
            {% if loop.last and add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}{% endfor %}
            """
        }
    }

    static func specialTokens(_ family: ChatTemplateFamily) -> [String: String] {
        switch family {
        case .chatml: ["eos_token": "<|im_end|>"]
        case .llama3: ["bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"]
        case .zephyr: ["bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"]
        }
    }
}
