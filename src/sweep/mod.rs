//! Parameter sweeps (being built).
