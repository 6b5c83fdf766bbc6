/// A GPU type: datasheet figures plus, where we measured one, its measured ceilings.
///
/// Datasheet values follow `research/policies.md` §7.3 (NVIDIA datasheets, dense BF16 without
/// sparsity). Measured ceilings come from `MeasuredData.devicesMeasuredJSON` (an H100 SXM and an
/// H200, measured for this project with the calibration script); a GPU without measurements borrows
/// the measured-to-datasheet ratios of the H100.
public struct GPUSpec: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Device memory in bytes.
    public var memoryBytes: Double
    /// Datasheet HBM/GDDR bandwidth, bytes per second.
    public var memoryBandwidth: Double
    /// Datasheet dense BF16 tensor throughput, FLOP per second.
    public var bf16Flops: Double
    /// GPU-to-GPU link inside a node (NVLink, or PCIe where there is none), bytes per second per direction.
    public var interconnectBandwidth: Double
    /// Host link (PCIe) bandwidth, bytes per second per direction.
    public var pcieBandwidth: Double
    /// Measured copy bandwidth (bytes read plus written per second), when measured.
    public var measuredCopyBandwidth: Double?
    /// Measured large BF16 matmul throughput, FLOP per second, when measured.
    public var measuredMatmulFlops: Double?

    /// Effective memory bandwidth a streaming kernel reaches: the measured copy figure, or the
    /// datasheet figure scaled by the H100's measured ratio.
    public var effectiveBandwidth: Double {
        measuredCopyBandwidth ?? memoryBandwidth * GPUCatalog.h100BandwidthRatio
    }

    /// Effective matmul throughput: measured, or datasheet scaled by the H100's measured ratio.
    public var effectiveFlops: Double {
        measuredMatmulFlops ?? bf16Flops * GPUCatalog.h100FlopsRatio
    }

    /// Bytes per second per direction over `link`.
    public func bandwidth(of link: GPULink) -> Double {
        switch link {
        case .hostPCIe: pcieBandwidth
        case .peer: interconnectBandwidth
        }
    }
}

public enum GPUCatalog {
    static let GiB = 1024.0 * 1024 * 1024
    static let GB = 1e9, TB = 1e12, TFLOPS = 1e12

    /// Measured over datasheet on the H100 (2,996.9 GB/s of 3,350; 794.5 TFLOPS of 989).
    static let h100BandwidthRatio = 2996.908017535132e9 / 3.35e12
    static let h100FlopsRatio = 794.4723456266122e12 / 989e12

    public static let all: [GPUSpec] = [
        GPUSpec(
            id: "h100", name: "NVIDIA H100 80GB SXM", memoryBytes: 80 * GiB, memoryBandwidth: 3.35 * TB,
            bf16Flops: 989 * TFLOPS, interconnectBandwidth: 450 * GB, pcieBandwidth: 54.79 * GB,
            measuredCopyBandwidth: 2996.908017535132e9, measuredMatmulFlops: 794.4723456266122e12),
        GPUSpec(
            id: "h200", name: "NVIDIA H200 141GB SXM", memoryBytes: 141 * GB, memoryBandwidth: 4.8 * TB,
            bf16Flops: 989 * TFLOPS, interconnectBandwidth: 450 * GB, pcieBandwidth: 55.32 * GB,
            measuredCopyBandwidth: 4226.771060835058e9, measuredMatmulFlops: 800.0236932821239e12),
        GPUSpec(
            id: "a100-80g", name: "NVIDIA A100 80GB SXM", memoryBytes: 80 * GiB, memoryBandwidth: 2.039 * TB,
            bf16Flops: 312 * TFLOPS, interconnectBandwidth: 300 * GB, pcieBandwidth: 25 * GB),
        GPUSpec(
            id: "l40s", name: "NVIDIA L40S 48GB", memoryBytes: 48 * GB, memoryBandwidth: 0.864 * TB,
            bf16Flops: 362 * TFLOPS, interconnectBandwidth: 25 * GB, pcieBandwidth: 25 * GB),
        GPUSpec(
            id: "a10g", name: "NVIDIA A10G 24GB", memoryBytes: 24 * GB, memoryBandwidth: 0.600 * TB,
            bf16Flops: 70 * TFLOPS, interconnectBandwidth: 25 * GB, pcieBandwidth: 25 * GB),
        GPUSpec(
            id: "a6000", name: "NVIDIA RTX A6000 48GB", memoryBytes: 48 * GB, memoryBandwidth: 0.768 * TB,
            bf16Flops: 155 * TFLOPS, interconnectBandwidth: 56.25 * GB, pcieBandwidth: 25 * GB),
    ]

    public static func spec(_ id: String) -> GPUSpec? { all.first { $0.id == id } }
    public static var ids: [String] { all.map(\.id) }
}
