//! callsim erlang and the erlang module against golden values.
