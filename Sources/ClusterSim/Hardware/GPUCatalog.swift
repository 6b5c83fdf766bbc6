/// A GPU type: datasheet figures plus, where we measured one, its measured ceilings.
///
/// Datasheet values are NVIDIA's and AMD's (dense tensor throughput, without sparsity). Measured
/// ceilings come from `MeasuredData.devicesMeasuredJSON` (an H100 SXM and an H200, measured for
/// this project with the calibration script). A GPU without measurements reaches its datasheet
/// figures times `bandwidthRatio` and `flopsRatio`: the H100's measured ratios unless the GPU states
/// its own (the A100's, from Vidur's published A100 profiles).
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
    public var measuredCopyBandwidth: Double? = nil
    /// Measured large BF16 matmul throughput, FLOP per second, when measured.
    public var measuredMatmulFlops: Double? = nil
    /// Datasheet dense FP8 tensor throughput, FLOP per second; nil where the GPU has no FP8 units
    /// (fp8 weights then run at the BF16 rate, as vLLM's weight-only FP8 kernels do on Ampere).
    public var fp8Flops: Double? = nil
    /// Achieved over datasheet bandwidth of a streaming kernel, when this GPU's own figure is known.
    public var bandwidthRatio: Double? = nil

    /// Effective memory bandwidth a streaming kernel reaches: the measured copy figure, or the
    /// datasheet figure scaled by this GPU's ratio (the H100's measured ratio when unknown).
    public var effectiveBandwidth: Double {
        measuredCopyBandwidth ?? memoryBandwidth * (bandwidthRatio ?? GPUCatalog.h100BandwidthRatio)
    }

    /// Effective matmul throughput: measured, or datasheet scaled by the H100's measured ratio.
    public var effectiveFlops: Double {
        measuredMatmulFlops ?? bf16Flops * GPUCatalog.h100FlopsRatio
    }

    /// Effective FP8 matmul throughput: the BF16 figure scaled by the datasheet's FP8/BF16 ratio.
    public var effectiveFP8Flops: Double {
        guard let fp8Flops else { return effectiveFlops }
        return effectiveFlops * fp8Flops / bf16Flops
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

    /// The A100's: Vidur's measured A100 decode profiles (microsoft/vidur, `data/profiling/compute/a100`)
    /// stream weights at 1.35-1.58 TB/s of the 2.039 TB/s datasheet; the middle, 1.465 TB/s, read at
    /// the cost model's `memoryEfficiency` of 1.043, is a copy bandwidth of 0.689 × datasheet (the
    /// H100 reaches 0.895).
    static let a100BandwidthRatio = 1.465e12 / 1.04295 / 2.039e12

    public static let all: [GPUSpec] = [
        GPUSpec(
            id: "h100", name: "NVIDIA H100 80GB SXM", memoryBytes: 80 * GiB, memoryBandwidth: 3.35 * TB,
            bf16Flops: 989 * TFLOPS, interconnectBandwidth: 450 * GB, pcieBandwidth: 54.79 * GB,
            measuredCopyBandwidth: 2996.908017535132e9, measuredMatmulFlops: 794.4723456266122e12,
            fp8Flops: 1979 * TFLOPS),
        GPUSpec(
            id: "h200", name: "NVIDIA H200 141GB SXM", memoryBytes: 141 * GB, memoryBandwidth: 4.8 * TB,
            bf16Flops: 989 * TFLOPS, interconnectBandwidth: 450 * GB, pcieBandwidth: 55.32 * GB,
            measuredCopyBandwidth: 4226.771060835058e9, measuredMatmulFlops: 800.0236932821239e12,
            fp8Flops: 1979 * TFLOPS),
        GPUSpec(
            id: "a100-80g", name: "NVIDIA A100 80GB SXM", memoryBytes: 80 * GiB, memoryBandwidth: 2.039 * TB,
            bf16Flops: 312 * TFLOPS, interconnectBandwidth: 300 * GB, pcieBandwidth: 25 * GB,
            bandwidthRatio: a100BandwidthRatio),
        // NVIDIA A100 datasheet: 40 GB HBM2, 1,555 GB/s, 312 TFLOPS BF16, NVLink 600 GB/s both ways.
        GPUSpec(
            id: "a100-40g", name: "NVIDIA A100 40GB SXM", memoryBytes: 40 * GiB, memoryBandwidth: 1.555 * TB,
            bf16Flops: 312 * TFLOPS, interconnectBandwidth: 300 * GB, pcieBandwidth: 25 * GB,
            bandwidthRatio: a100BandwidthRatio),
        // NVIDIA L40S datasheet: 48 GB GDDR6, 864 GB/s, 362.05 TFLOPS BF16 and 733 FP8 dense, PCIe Gen4.
        GPUSpec(
            id: "l40s", name: "NVIDIA L40S 48GB", memoryBytes: 48 * GB, memoryBandwidth: 0.864 * TB,
            bf16Flops: 362.05 * TFLOPS, interconnectBandwidth: 25 * GB, pcieBandwidth: 25 * GB,
            fp8Flops: 733 * TFLOPS),
        // NVIDIA A40 datasheet: 48 GB GDDR6, 696 GB/s, 149.7 TFLOPS BF16, NVLink bridge 112.5 GB/s both ways.
        GPUSpec(
            id: "a40", name: "NVIDIA A40 48GB", memoryBytes: 48 * GB, memoryBandwidth: 0.696 * TB,
            bf16Flops: 149.7 * TFLOPS, interconnectBandwidth: 56.25 * GB, pcieBandwidth: 25 * GB),
        // NVIDIA A10 datasheet (Llumnix's GPU): 24 GB GDDR6, 600 GB/s, 125 TFLOPS BF16, PCIe Gen4 only.
        GPUSpec(
            id: "a10", name: "NVIDIA A10 24GB", memoryBytes: 24 * GB, memoryBandwidth: 0.600 * TB,
            bf16Flops: 125 * TFLOPS, interconnectBandwidth: 25 * GB, pcieBandwidth: 25 * GB),
        GPUSpec(
            id: "a10g", name: "NVIDIA A10G 24GB", memoryBytes: 24 * GB, memoryBandwidth: 0.600 * TB,
            bf16Flops: 70 * TFLOPS, interconnectBandwidth: 25 * GB, pcieBandwidth: 25 * GB),
        GPUSpec(
            id: "a6000", name: "NVIDIA RTX A6000 48GB", memoryBytes: 48 * GB, memoryBandwidth: 0.768 * TB,
            bf16Flops: 155 * TFLOPS, interconnectBandwidth: 56.25 * GB, pcieBandwidth: 25 * GB),
        // NVIDIA HGX B200 datasheet, per GPU: 180 GB HBM3e, 7.7 TB/s, 2.25 PFLOPS BF16 and 4.5 FP8
        // dense, NVLink 5 at 1.8 TB/s both ways, PCIe Gen5.
        GPUSpec(
            id: "b200", name: "NVIDIA B200 180GB SXM", memoryBytes: 180 * GB, memoryBandwidth: 7.7 * TB,
            bf16Flops: 2250 * TFLOPS, interconnectBandwidth: 900 * GB, pcieBandwidth: 55 * GB,
            fp8Flops: 4500 * TFLOPS),
        // AMD Instinct MI300X datasheet: 192 GB HBM3, 5.3 TB/s, 1,307.4 TFLOPS BF16 and 2,614.9 FP8
        // dense, Infinity Fabric 896 GB/s both ways (7 links), PCIe Gen5.
        GPUSpec(
            id: "mi300x", name: "AMD Instinct MI300X 192GB", memoryBytes: 192 * GB, memoryBandwidth: 5.3 * TB,
            bf16Flops: 1307.4 * TFLOPS, interconnectBandwidth: 448 * GB, pcieBandwidth: 55 * GB,
            fp8Flops: 2614.9 * TFLOPS),
    ]

    public static func spec(_ id: String) -> GPUSpec? { all.first { $0.id == id } }
    public static var ids: [String] { all.map(\.id) }
}
