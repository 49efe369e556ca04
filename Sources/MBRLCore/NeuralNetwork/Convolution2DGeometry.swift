/// The geometry of a 2-D convolution without padding: an image of `height x width` pixels and
/// `channels` channels, swept by a `kernelSize x kernelSize` window moving `stride` pixels at a
/// time. Converts between image batches and patch matrices ("im2col" and its adjoint), which
/// turns a convolution into one GEMM.
///
/// A patch row holds the window's values in the order `(ky, kx, channel)`: entry
/// `(ky * kernelSize + kx) * channels + channel`. Patch rows are ordered image by image, then
/// by output row and column.
///
/// ```swift
/// let geometry = try Convolution2DGeometry(height: 32, width: 32, channels: 2, kernelSize: 4, stride: 2,
///                                          layout: .channelsFirst)
/// geometry.outputHeight                                  // 15
/// let patches = geometry.patches(of: images)             // [B, 2048] -> [B * 225, 32]
/// let back = geometry.images(summing: patches, batchSize: images.rows)   // the adjoint: [B, 2048]
/// ```
public struct Convolution2DGeometry: Sendable, Equatable {
    /// How the pixels of one image are laid out in a row of a batch.
    public enum ImageLayout: String, Sendable, Codable, Equatable {
        /// `[channels, height, width]`: channel after channel (stacked frames, as
        /// `PixelObservation` produces them).
        case channelsFirst = "channels-first"
        /// `[height, width, channels]`: pixel after pixel (what convolutions produce).
        case channelsLast = "channels-last"
    }

    /// Image height in pixels.
    public let height: Int
    /// Image width in pixels.
    public let width: Int
    /// Channels per pixel.
    public let channels: Int
    /// The side of the square window.
    public let kernelSize: Int
    /// Pixels the window moves per output position.
    public let stride: Int
    /// The image layout.
    public let layout: ImageLayout

    /// A geometry; throws `MBRLError.invalidArgument` when a size is not positive or the
    /// window does not fit the image.
    public init(height: Int, width: Int, channels: Int, kernelSize: Int, stride: Int, layout: ImageLayout) throws {
        guard height > 0, width > 0, channels > 0, kernelSize > 0, stride > 0 else {
            throw MBRLError.invalidArgument(
                "a convolution needs positive sizes, got a \(height) x \(width) x \(channels) image, kernel \(kernelSize), stride \(stride)")
        }
        guard kernelSize <= height, kernelSize <= width else {
            throw MBRLError.invalidArgument("a \(kernelSize) x \(kernelSize) kernel does not fit a \(height) x \(width) image")
        }
        self.height = height
        self.width = width
        self.channels = channels
        self.kernelSize = kernelSize
        self.stride = stride
        self.layout = layout
    }

    /// Output rows: `(height - kernelSize) / stride + 1`.
    public var outputHeight: Int { (height - kernelSize) / stride + 1 }
    /// Output columns: `(width - kernelSize) / stride + 1`.
    public var outputWidth: Int { (width - kernelSize) / stride + 1 }
    /// Output positions per image.
    public var positionCount: Int { outputHeight * outputWidth }
    /// Values per image, `channels * height * width`.
    public var imageSize: Int { channels * height * width }
    /// Values per patch, `kernelSize * kernelSize * channels`.
    public var patchSize: Int { kernelSize * kernelSize * channels }

    /// The offset of pixel `(row, column)`, channel 0, and the distance between channels.
    @inline(__always)
    func pixel(_ row: Int, _ column: Int) -> (offset: Int, channelStride: Int) {
        switch layout {
        case .channelsFirst: return (row * width + column, height * width)
        case .channelsLast: return ((row * width + column) * channels, 1)
        }
    }

    /// Every window of every image as a row: `[B, imageSize] -> [B * positionCount, patchSize]`.
    public func patches(of images: Matrix) -> Matrix {
        precondition(images.columns == imageSize, "images of \(images.columns) values for a geometry of \(imageSize)")
        let batch = images.rows, patchSize = self.patchSize, positions = positionCount
        var result = [Float](repeating: 0, count: batch * positions * patchSize)
        images.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { destination in
                for image in 0..<batch {
                    let imageBase = image * imageSize
                    for outputRow in 0..<outputHeight {
                        for outputColumn in 0..<outputWidth {
                            var target = ((image * positions) + outputRow * outputWidth + outputColumn) * patchSize
                            for kernelRow in 0..<kernelSize {
                                for kernelColumn in 0..<kernelSize {
                                    let (offset, channelStride) = pixel(outputRow * stride + kernelRow, outputColumn * stride + kernelColumn)
                                    for channel in 0..<channels {
                                        destination[target] = source[imageBase + offset + channel * channelStride]
                                        target += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: batch * positions, columns: patchSize, values: result)
    }

    /// The adjoint of `patches(of:)`: every patch row added back onto the pixels it came from,
    /// `[B * positionCount, patchSize] -> [B, imageSize]` (pixels no window covers are 0).
    public func images(summing patchRows: Matrix, batchSize batch: Int) -> Matrix {
        precondition(patchRows.rows == batch * positionCount && patchRows.columns == patchSize,
                     "patches of \(patchRows.rows) x \(patchRows.columns) for \(batch) images of this geometry")
        let patchSize = self.patchSize, positions = positionCount
        var result = [Float](repeating: 0, count: batch * imageSize)
        patchRows.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { destination in
                for image in 0..<batch {
                    let imageBase = image * imageSize
                    for outputRow in 0..<outputHeight {
                        for outputColumn in 0..<outputWidth {
                            var from = ((image * positions) + outputRow * outputWidth + outputColumn) * patchSize
                            for kernelRow in 0..<kernelSize {
                                for kernelColumn in 0..<kernelSize {
                                    let (offset, channelStride) = pixel(outputRow * stride + kernelRow, outputColumn * stride + kernelColumn)
                                    for channel in 0..<channels {
                                        destination[imageBase + offset + channel * channelStride] += source[from]
                                        from += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: batch, columns: imageSize, values: result)
    }
}
