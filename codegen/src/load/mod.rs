//! Parsing, validation and resolution of YAML specs into the [`crate::model`].
