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
