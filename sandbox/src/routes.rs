//! The route table, built from the spec model: every endpoint of every service plus the
//! route each service's scheme serves itself (the Kingdee token endpoint). Nothing here
//! knows any operation or scheme by name, so a new endpoint file is served without code
//! changes.

use std::collections::HashMap;

use retail_apis_codegen::model::{HttpMethod, SpecSet};

use crate::error::SandboxError;
use crate::scheme_server::SchemeServer;
pub(crate) use crate::target::Target;

/// One served (method, path).
#[derive(Clone, Debug)]
pub(crate) struct Route {
    pub method: HttpMethod,
    pub target: Target,
    /// `<service>.<operation>`: the key of request counters and fault queues.
    pub operation_id: String,
}

/// Result of looking up a request.
pub(crate) enum Lookup<'a> {
    Found(&'a Route),
    /// The path is served, but not with this method.
    WrongMethod,
    NotFound,
}

/// Routes by path, and the list of operation ids.
#[derive(Debug, Default)]
pub(crate) struct RouteTable {
    by_path: HashMap<String, Vec<Route>>,
    operation_ids: Vec<String>,
}

impl RouteTable {
    /// Routes of `specs`, whose services have the scheme servers `servers` (by index).
    pub fn build(specs: &SpecSet, servers: &[Box<dyn SchemeServer>]) -> RouteTable {
        let mut table = RouteTable::default();
        for (si, service) in specs.services.iter().enumerate() {
            let own_routes = servers.get(si).map(|server| server.own_routes());
            for own in own_routes.into_iter().flatten() {
                table.add(
                    &own.path,
                    Route {
                        method: own.method,
                        target: Target::Own { service: si },
                        operation_id: format!("{}.{}", service.name, own.operation),
                    },
                );
            }
            for (ei, endpoint) in service.endpoints.iter().enumerate() {
                table.add(
                    &endpoint.path,
                    Route {
                        method: endpoint.method,
                        target: Target::Endpoint {
                            service: si,
                            endpoint: ei,
                        },
                        operation_id: format!("{}.{}", service.name, endpoint.operation),
                    },
                );
            }
        }
        table
    }

    fn add(&mut self, path: &str, route: Route) {
        let routes = self.by_path.entry(path.to_owned()).or_default();
        if routes.iter().any(|r| r.method == route.method) {
            // Services are sorted by name, so the first declaration wins deterministically.
            tracing::warn!(
                path,
                operation = %route.operation_id,
                "two services declare the same method and path; the first one is served"
            );
            return;
        }
        self.operation_ids.push(route.operation_id.clone());
        routes.push(route);
    }

    pub fn find(&self, method: HttpMethod, path: &str) -> Lookup<'_> {
        match self.by_path.get(path) {
            None => Lookup::NotFound,
            Some(routes) => match routes.iter().find(|r| r.method == method) {
                Some(route) => Lookup::Found(route),
                None => Lookup::WrongMethod,
            },
        }
    }

    /// Whether any endpoint is served at `path`, with any method.
    pub fn serves_path(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
    }

    /// Resolves `jdy.mall_recharge`, or a bare `mall_recharge` when only one service has
    /// an operation of that name, to an operation id.
    pub fn resolve(&self, operation: &str) -> Result<String, SandboxError> {
        if self.operation_ids.iter().any(|id| id == operation) {
            return Ok(operation.to_owned());
        }
        let mut matches = self
            .operation_ids
            .iter()
            .filter(|id| id.split_once('.').is_some_and(|(_, op)| op == operation));
        match (matches.next(), matches.next()) {
            (Some(id), None) => Ok(id.clone()),
            (Some(_), Some(_)) => Err(SandboxError::AmbiguousOperation(operation.to_owned())),
            (None, _) => Err(SandboxError::UnknownOperation(operation.to_owned())),
        }
    }

    /// Every operation id, in spec order.
    pub fn operation_ids(&self) -> &[String] {
        &self.operation_ids
    }
}
