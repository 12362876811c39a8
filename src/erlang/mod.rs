//! Analytic Erlang B, C and A.
