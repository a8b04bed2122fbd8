//! A local gateway that serves every endpoint of the retail-apis specs.
