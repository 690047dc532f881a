#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asl_fuzz::control_api(data));
