//! Typed clients for Kingdee JDY retail cloud and Shoubei payment open APIs.
