/// An element of a `BinaryHeap`: `precedes` says which of two comes out first.
protocol HeapOrdered {
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

/// An array-backed binary heap; `pop` returns the element that precedes all others. One
/// heap serves both BPE loops: the encoder's pending merges and the trainer's candidates.
struct BinaryHeap<Element: HeapOrdered> {
    private var items: [Element] = []

    mutating func removeAll(keepingCapacity: Bool) { items.removeAll(keepingCapacity: keepingCapacity) }

    mutating func push(_ element: Element) {
        items.append(element)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Element.precedes(items[i], items[parent]) else { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var top = i
                if l < items.count && Element.precedes(items[l], items[top]) { top = l }
                if r < items.count && Element.precedes(items[r], items[top]) { top = r }
                if top == i { break }
                items.swapAt(i, top)
                i = top
            }
        }
        return first
    }
}
