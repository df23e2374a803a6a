import Testing
@testable import Parquet

/// Shapes other writers produce that pyarrow reads in a particular way (issue 12); the
/// golden fixtures check every row, these name the expectation.
@Suite struct LegacyShapeTests {
    @Test func listAnnotatedRepeatedGroupIsAListOfLists() throws {
        let rows = try ParquetFile(path: Fixtures.path("legacy_two_level_list_of_lists.parquet")).readRowGroup(0)
        let expected: ParquetValue = .list([.list([.int(1), .int(2)]), .list([.int(3)])])
        #expect(rows[0]["grid"] == expected)
        #expect(rows[0]["rows"] == expected)
        #expect(rows[3]["grid"] == .list([.list([])]))
    }

    @Test func emptyCompressedV2ValuesSectionIsAPageWithoutValues() throws {
        let rows = try ParquetFile(path: Fixtures.path("v2_empty_compressed_values.parquet")).readRowGroup(0)
        #expect(rows.map { $0["x"] } == [.int(1), .null, .int(2), .null, .null, .int(7)])
        #expect(rows.map { $0["s"]?.stringValue } == ["a", "b", "c", "d", "e", "f"])
    }

    @Test func mapWithoutValueFieldIsAListOfKeys() throws {
        let rows = try ParquetFile(path: Fixtures.path("map_without_value.parquet")).readRowGroup(0)
        #expect(rows.map { $0["m"] } == [.list([.string("a"), .string("b")]), .null, .list([]), .list([.string("c")])])
    }
}
