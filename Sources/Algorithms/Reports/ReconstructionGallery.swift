import Foundation
import MBRLCore
import Models

/// Shows what a latent model sees, as an SVG image grid (`reconstructions.svg` in a run
/// directory): for a few windows of consecutive transitions from the replay buffer, one row of
/// the observed frames, one of the reconstructions `dec(enc(o_t))`, and one of the open-loop
/// predictions `dec(s_t)` with `s_0 = enc(o_0)` and `s_{t+1}` predicted from `s_t` and the
/// action actually taken. Stacked observations show their newest frame.
///
/// ```swift
/// try ReconstructionGallery.write(model: latentModel, buffer: buffer, title: "fit 3",
///                                 to: runDirectory.appendingPathComponent(ReconstructionGallery.fileName))
/// ```
public enum ReconstructionGallery {
    /// The file name the loop writes in the run directory.
    public static let fileName = "reconstructions.svg"

    /// One labelled row of images, each `[height, width]` row-major with values in `[0, 1]`.
    public struct Row: Sendable, Equatable {
        /// The row's label.
        public var label: String
        /// The images, left to right.
        public var images: [[Float]]
    }

    /// One window: where it starts and its three rows.
    public struct Window: Sendable, Equatable {
        /// The age (`0` is the oldest held) of the window's first transition in the buffer.
        public var start: Int
        /// Observed, reconstructed and predicted rows.
        public var rows: [Row]
        /// The mean squared error per pixel of the reconstructions and of the open-loop
        /// predictions against the observed frames.
        public var reconstructionError: Double
        public var predictionError: Double
    }

    /// The windows the gallery shows: `windowCount` windows of up to `windowLength` steps spread
    /// over the buffer (oldest to newest). Deterministic: a fixed generator samples any
    /// stochastic prediction, and the caller's generators are untouched.
    public static func windows(model: any LatentDynamicsModel, buffer: ReplayBuffer, windowLength: Int = 10,
                               windowCount: Int = 3) throws -> [Window] {
        guard model.hasDecoder else {
            throw MBRLError.incompatible("the gallery shows reconstructions, but this latent model has no decoder (a contrastive model); use a \"latent\" model")
        }
        guard buffer.observationSize == model.rawObservationSize else {
            throw MBRLError.shapeMismatch("the buffer holds observations of \(buffer.observationSize) entries; the model takes \(model.rawObservationSize)")
        }
        var length = max(1, windowLength)
        var starts = buffer.sequenceStarts(length: length)
        while starts.isEmpty && length > 1 {
            length = max(1, length / 2)
            starts = buffer.sequenceStarts(length: length)
        }
        guard !starts.isEmpty else { return [] }
        let count = min(max(1, windowCount), starts.count)
        let chosen = (0..<count).map { starts[count == 1 ? starts.count - 1 : $0 * (starts.count - 1) / (count - 1)] }
        let layout = frameLayout(rawSize: model.rawObservationSize)
        var generator = RandomGenerator(seed: 0)
        return try chosen.map { start in
            let transitions = buffer.batch(Array(start ..< start + length))
            var frames = transitions.observations.rows(0..<1)
            frames = frames.concatenatedRows(transitions.nextObservations)                 // [length + 1, raw]
            var encoderInputs = frames
            if let latent = model as? LatentModel, latent.historyLength > 1 {
                // The observations before each frame too, as in training.
                let histories = try LatentTrainingBatch(buffer: buffer, starts: [start], stepCount: length,
                                                        historyLength: latent.historyLength).frames
                encoderInputs = histories.dropFirst().reduce(histories[0]) { $0.concatenatedRows($1) }
            }
            let encoded = try model.encode(observations: encoderInputs)
            let reconstructed = try model.decode(latents: encoded)
            var latents = [encoded.rows(0..<1)]
            for step in 0..<length {
                let prediction = try model.predict(observations: latents[step], actions: transitions.actions.rows(step ..< step + 1),
                                                   generator: &generator)
                latents.append(prediction.nextObservations)
            }
            var stacked = latents[0]
            for latent in latents.dropFirst() { stacked = stacked.concatenatedRows(latent) }
            let predicted = try model.decode(latents: stacked)
            func newestFrames(_ matrix: Matrix) -> [[Float]] {
                (0..<matrix.rows).map { row in
                    let values = matrix.row(row)
                    return Array(values[(layout.frames - 1) * layout.width * layout.height ..< layout.frames * layout.width * layout.height])
                }
            }
            let observed = newestFrames(frames), reconstruction = newestFrames(reconstructed), prediction = newestFrames(predicted)
            return Window(start: start,
                          rows: [Row(label: "observed", images: observed),
                                 Row(label: "reconstructed", images: reconstruction),
                                 Row(label: "open-loop prediction", images: prediction)],
                          reconstructionError: meanSquaredError(reconstruction, observed),
                          predictionError: meanSquaredError(Array(prediction.dropFirst()), Array(observed.dropFirst())))
        }
    }

    /// The gallery as SVG text.
    public static func svg(model: any LatentDynamicsModel, buffer: ReplayBuffer, title: String,
                           windowLength: Int = 10, windowCount: Int = 3) throws -> String {
        let windows = try windows(model: model, buffer: buffer, windowLength: windowLength, windowCount: windowCount)
        let layout = frameLayout(rawSize: model.rawObservationSize)
        let scale = max(1, 96 / max(layout.width, layout.height))
        let imageWidth = layout.width * scale, imageHeight = layout.height * scale
        let gap = 4, labelWidth = 150, headerHeight = 22
        let columns = windows.map { $0.rows[0].images.count }.max() ?? 0
        let windowHeight = headerHeight + 3 * (imageHeight + gap)
        let width = labelWidth + columns * (imageWidth + gap) + gap
        let height = 40 + windows.count * (windowHeight + 10)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12" shape-rendering="crispEdges">
            <rect width="\(width)" height="\(height)" fill="white"/>
            <text x="8" y="22" font-size="15">\(escape(title))</text>

            """
        var y = 40
        for window in windows {
            svg += "<text x=\"8\" y=\"\(y + 15)\">transitions \(window.start)...\(window.start + columns - 2): "
                + "reconstruction MSE \(format(window.reconstructionError)), open-loop prediction MSE \(format(window.predictionError)) per pixel "
                + "(column t is step t; predictions start from enc(o_0))</text>\n"
            var rowY = y + headerHeight
            for row in window.rows {
                svg += "<text x=\"8\" y=\"\(rowY + imageHeight / 2 + 4)\">\(escape(row.label))</text>\n"
                for (column, image) in row.images.enumerated() {
                    svg += imageSVG(image, x: labelWidth + column * (imageWidth + gap), y: rowY,
                                    width: layout.width, height: layout.height, scale: scale)
                }
                rowY += imageHeight + gap
            }
            y += windowHeight + 10
        }
        return svg + "</svg>\n"
    }

    /// Writes `svg(...)` to `url` atomically.
    public static func write(model: any LatentDynamicsModel, buffer: ReplayBuffer, title: String, to url: URL) throws {
        let text = try svg(model: model, buffer: buffer, title: title)
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw MBRLError.fileFormat("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    // MARK: - Pieces

    /// The frames in a raw observation of `rawSize` entries: the fewest square frames that fill
    /// it (2,048 entries are two 32 x 32 frames), or one strip of `rawSize` pixels.
    static func frameLayout(rawSize: Int) -> (frames: Int, width: Int, height: Int) {
        for frames in 1...16 where rawSize % frames == 0 {
            let side = Int(Double(rawSize / frames).squareRoot().rounded())
            if side * side == rawSize / frames { return (frames, side, side) }
        }
        return (1, rawSize, 1)
    }

    /// One grayscale image as a black square and one rectangle per run of equal brightness
    /// (16 levels) in each row, so mostly dark frames stay small.
    static func imageSVG(_ image: [Float], x: Int, y: Int, width: Int, height: Int, scale: Int) -> String {
        var text = "<g transform=\"translate(\(x) \(y))\"><rect width=\"\(width * scale)\" height=\"\(height * scale)\" fill=\"#000\"/>"
        for row in 0..<height {
            var column = 0
            while column < width {
                let level = brightnessLevel(image[row * width + column])
                var end = column + 1
                while end < width && brightnessLevel(image[row * width + end]) == level { end += 1 }
                if level > 0 {
                    let gray = String(format: "%02x", min(255, level * 17))
                    text += "<rect x=\"\(column * scale)\" y=\"\(row * scale)\" width=\"\((end - column) * scale)\" height=\"\(scale)\" fill=\"#\(gray)\(gray)\(gray)\"/>"
                }
                column = end
            }
        }
        return text + "</g>\n"
    }

    /// `value` clamped to `[0, 1]` and quantised to 0...15 (NaN is 0).
    static func brightnessLevel(_ value: Float) -> Int {
        guard value.isFinite else { return 0 }
        return Int((min(max(value, 0), 1) * 15).rounded())
    }

    static func meanSquaredError(_ images: [[Float]], _ references: [[Float]]) -> Double {
        var total = 0.0, count = 0
        for (image, reference) in zip(images, references) {
            for (value, target) in zip(image, reference) {
                total += Double(value - target) * Double(value - target)
                count += 1
            }
        }
        return count > 0 ? total / Double(count) : 0
    }

    static func format(_ value: Double) -> String { String(format: "%.4f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
