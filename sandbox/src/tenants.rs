//! The JDY tenants the sandbox knows: each one's app credentials and domain, found by
//! app key (token requests) or outer instance id (`push_app_authorize`), and how many
//! app-tokens each was issued.

use std::collections::HashMap;

use crate::config::{SandboxConfig, SandboxTenant};
use crate::error::SandboxError;

/// A known tenant and its counters.
#[derive(Clone, Debug)]
pub(crate) struct TenantRecord {
    pub tenant: SandboxTenant,
    /// App-tokens issued to this tenant.
    pub token_fetches: usize,
}

/// Every known tenant. Tenants are never removed, so an index stays valid (tokens record
/// their tenant by it).
#[derive(Debug, Default)]
pub(crate) struct Tenants {
    list: Vec<TenantRecord>,
    by_app_key: HashMap<String, usize>,
    by_instance: HashMap<String, usize>,
}

impl Tenants {
    /// The default tenant of the configuration's credentials, then its other tenants; one
    /// that repeats an app key or instance id of an earlier one is left out, with a
    /// warning.
    pub fn new(config: &SandboxConfig) -> Tenants {
        let mut tenants = Tenants::default();
        let first = std::iter::once(config.credentials.default_tenant());
        for tenant in first.chain(config.tenants.iter().cloned()) {
            if let Err(error) = tenants.add(tenant) {
                tracing::warn!(%error, "tenant left out");
            }
        }
        tenants
    }

    /// Adds `tenant`; its app key and instance id must be new.
    pub fn add(&mut self, tenant: SandboxTenant) -> Result<usize, SandboxError> {
        if self.by_app_key.contains_key(&tenant.app_key) {
            return Err(SandboxError::DuplicateTenant(format!(
                "the app key `{}`",
                tenant.app_key
            )));
        }
        if self.by_instance.contains_key(&tenant.outer_instance_id) {
            return Err(SandboxError::DuplicateTenant(format!(
                "the outer instance id `{}`",
                tenant.outer_instance_id
            )));
        }
        let index = self.list.len();
        self.by_app_key.insert(tenant.app_key.clone(), index);
        self.by_instance
            .insert(tenant.outer_instance_id.clone(), index);
        self.list.push(TenantRecord {
            tenant,
            token_fetches: 0,
        });
        Ok(index)
    }

    /// The tenant at `index`.
    pub fn get(&self, index: usize) -> Option<&TenantRecord> {
        self.list.get(index)
    }

    /// The tenant at `index`, to count a token.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut TenantRecord> {
        self.list.get_mut(index)
    }

    /// The index of the tenant with `app_key`.
    pub fn by_app_key(&self, app_key: &str) -> Option<usize> {
        self.by_app_key.get(app_key).copied()
    }

    /// The index of the tenant with `outer_instance_id`.
    pub fn by_instance(&self, outer_instance_id: &str) -> Option<usize> {
        self.by_instance.get(outer_instance_id).copied()
    }

    /// Gives the tenant of `outer_instance_id` a new app secret; returns its index.
    pub fn rotate_secret(
        &mut self,
        outer_instance_id: &str,
        app_secret: &str,
    ) -> Result<usize, SandboxError> {
        let index = self
            .by_instance(outer_instance_id)
            .ok_or_else(|| SandboxError::UnknownTenant(outer_instance_id.to_owned()))?;
        let record = self
            .list
            .get_mut(index)
            .ok_or_else(|| SandboxError::UnknownTenant(outer_instance_id.to_owned()))?;
        app_secret.clone_into(&mut record.tenant.app_secret);
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::Tenants;
    use crate::config::{SandboxConfig, SandboxTenant};
    use crate::error::SandboxError;

    #[test]
    fn the_default_tenant_is_known_and_repeats_are_refused() {
        let config = SandboxConfig::default();
        let mut tenants = Tenants::new(&config);
        let default = config.credentials.default_tenant();
        assert_eq!(tenants.by_app_key(&default.app_key), Some(0));
        assert_eq!(tenants.by_instance(&default.outer_instance_id), Some(0));
        let same_key = SandboxTenant::new("other", &default.app_key, "s", "d");
        assert!(matches!(
            tenants.add(same_key),
            Err(SandboxError::DuplicateTenant(_))
        ));
        let same_instance = SandboxTenant::new(&default.outer_instance_id, "k", "s", "d");
        assert!(matches!(
            tenants.add(same_instance),
            Err(SandboxError::DuplicateTenant(_))
        ));
        assert_eq!(
            tenants.add(SandboxTenant::new("i", "k", "s", "d")).ok(),
            Some(1)
        );
    }

    #[test]
    fn rotating_changes_only_the_named_tenants_secret() {
        let config = SandboxConfig {
            tenants: vec![SandboxTenant::new("i", "k", "s", "d")],
            ..SandboxConfig::default()
        };
        let mut tenants = Tenants::new(&config);
        assert_eq!(tenants.rotate_secret("i", "new").ok(), Some(1));
        assert_eq!(
            tenants.get(1).map(|t| t.tenant.app_secret.as_str()),
            Some("new")
        );
        let default = config.credentials.default_tenant();
        assert_eq!(
            tenants.get(0).map(|t| t.tenant.app_secret.clone()),
            Some(default.app_secret)
        );
        assert!(matches!(
            tenants.rotate_secret("nobody", "x"),
            Err(SandboxError::UnknownTenant(_))
        ));
    }
}
