import MBRLCore

/// Registers the neural dynamics models in `registry`: `"gaussian-ensemble"` (PETS's
/// probabilistic ensemble, mbrl-lib's cart-pole defaults), `"deterministic-ensemble"`,
/// `"gaussian-mlp"` and `"deterministic-mlp"` (single networks). All take `DynamicsModelConfig`'s
/// keys; sizes come from the environment. `"latent"` is `LatentModel` (encoder, latent dynamics,
/// decoder and reward head learned from raw observations such as pixels; `LatentModelConfig`).
/// `"contrastive"` is `ContrastiveForwardModel` (encoder and latent forward model trained with
/// InfoNCE, no decoder; `ContrastiveModelConfig`), planned with toward a goal image.
/// `"e2c"` is `E2CModel` (Embed to Control's locally linear latent model; `E2CModelConfig`).
public func registerModels(in registry: ComponentRegistry) {
    let variants: [(name: String, summary: String, presets: [String: JSONValue])] = [
        ("gaussian-ensemble", "probabilistic ensemble (PETS): Gaussian members, bootstrap data, elites",
         ["kind": .string("gaussian")]),
        ("deterministic-ensemble", "ensemble of deterministic MLPs trained with MSE",
         ["kind": .string("deterministic")]),
        ("gaussian-mlp", "one Gaussian MLP (mean and soft-bounded log-variance heads)",
         ["kind": .string("gaussian"), "ensembleSize": .number(1), "eliteCount": .number(1)]),
        ("deterministic-mlp", "one deterministic MLP f(s, a) -> s' trained with MSE (the lectures' v0.5 model)",
         ["kind": .string("deterministic"), "ensembleSize": .number(1), "eliteCount": .number(1)]),
    ]
    for variant in variants {
        registry.models.register(variant.name, summary: variant.summary, config: DynamicsModelConfig.self,
                                 presets: variant.presets) { config, context in
            try DynamicsEnsemble(config: config, context: context)
        }
    }
    registry.models.register("latent", summary: "latent model from pixels: encoder, latent dynamics, decoder, reward head (planning.reward \"learned\")",
                             config: LatentModelConfig.self) { config, context in
        try LatentModel(config: config, context: context)
    }
    registry.models.register("contrastive", summary: "contrastive forward model from pixels: encoder and latent forward model trained with InfoNCE, no decoder (planning.reward \"goal-image\")",
                             config: ContrastiveModelConfig.self) { config, context in
        try ContrastiveForwardModel(config: config, context: context)
    }
    // Embed to Control (Watter et al. 2015): iLQR plans in its latent space with A(z), B(z) as
    // the linearisation; sequence planners (CEM, iCEM, MPPI) plan through it as for "latent".
    registry.models.register("e2c", summary: "Embed to Control: latent z' = A(z) z + B(z) u + o(z), A = I + v r^T, encoder, decoder, reward head (planning.reward \"learned\"; ilqr uses A, B)",
                             config: E2CModelConfig.self) { config, context in
        try E2CModel(config: config, context: context)
    }
}
