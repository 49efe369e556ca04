#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for numeric work.
///
/// Training and planning allocate and free the same large matrices (hundreds of kilobytes) at
/// every step. With glibc's defaults, blocks of that size are mapped from the kernel on every
/// allocation and unmapped on every free (and the heap top is trimmed back), so each step pays
/// page faults to zero fresh pages: about 20% of a SAC update's time on an AMD EPYC Zen 3.
/// `keepLargeBuffersInHeap()` raises glibc's mmap threshold to its maximum (32 MiB) and the trim
/// threshold to 1 GiB, so freed buffers are reused from the heap. `mbrl-run` calls it at start;
/// an executable of your own can do the same.
///
/// ```swift
/// AllocatorTuning.keepLargeBuffersInHeap()
/// ```
public enum AllocatorTuning {
    /// Applies the settings; returns whether the C library accepted them (false off glibc).
    @discardableResult
    public static func keepLargeBuffersInHeap() -> Bool {
        #if os(Linux) && canImport(Glibc)
        // `mallopt` is not exported to Swift by the Glibc module, so it is looked up by name.
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: MalloptFunction.self)
        // glibc's <malloc.h>: M_TRIM_THRESHOLD is -1, M_MMAP_THRESHOLD is -3; 32 MiB is the
        // largest mmap threshold it accepts on 64-bit systems.
        let mapped = mallopt(-3, 32 << 20)
        let trimmed = mallopt(-1, 1 << 30)
        return mapped == 1 && trimmed == 1
        #else
        return false
        #endif
    }
}
