// The Models module: dynamics models (deterministic MLP, Gaussian MLP, ensembles, latent models
// including E2C's locally linear one, tabular models), their trainer, and the
// model-as-environment scorer planners use.
import MBRLCore
