//! Spec-driven code generation for retail-apis: parse → validate → resolved model → emit →
//! format → write.

pub mod emit;
pub mod load;
pub mod model;
