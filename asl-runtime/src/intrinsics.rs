//! Intrinsic functions (owned by the intrinsics work).
