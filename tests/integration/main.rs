//! All integration tests in one binary (one link instead of many): one module per behaviour.

mod erlang;
