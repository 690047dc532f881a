//! Intrinsic function parsing (owned by the intrinsics work).
