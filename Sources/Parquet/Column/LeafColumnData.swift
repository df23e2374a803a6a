/// Everything one leaf column holds for one row group: a definition and a repetition level
/// per entry (left empty when the column's maximum level is 0) and the non-null values.
struct LeafColumnData {
    var definitionLevels: [UInt8] = []
    var repetitionLevels: [UInt8] = []
    var values: [ParquetValue] = []
    var entryCount = 0
    let maxDefinitionLevel: Int
    let maxRepetitionLevel: Int
}
