//! Every kind of change the diff reports: its rule id, whom it breaks and why.
//!
//! One table ([`kinds!`]) declares each kind once, so the rule id, the class on each side
//! of an exchange and the reason cannot drift apart; `docs/api-diff.md` lists the same
//! table and a test keeps the two in step.

use serde::Serialize;

/// Whom a change breaks, from least to most severe. A change the compiler reports is less
/// severe than one it cannot see: `--fail-on breaking` stops both, `--fail-on wire` only
/// the silent kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Code written against the old client keeps compiling and behaving the same.
    Compatible,
    /// Code written against the old client may stop compiling (a public Rust item is
    /// removed, renamed or changes its type or signature).
    Breaking,
    /// Code keeps compiling but the client sends or accepts something else on the wire
    /// (URL, JSON names, envelope, signature, retries), so a call that worked may fail.
    Wire,
}

impl Class {
    /// The name used in reports and on the command line (`breaking`).
    pub fn name(self) -> &'static str {
        match self {
            Class::Compatible => "compatible",
            Class::Breaking => "breaking",
            Class::Wire => "wire",
        }
    }
}

/// Which messages a type or field travels in: the class of a change often depends on it
/// (a new required field breaks callers who build requests, not those who read answers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Only in requests: the caller builds it, the vendor reads it.
    Request,
    /// Only in responses: the vendor sends it, the caller reads it.
    Response,
    /// In both.
    Both,
}

impl Direction {
    /// From a type's reachability; `None` when it is in neither (an unused type).
    pub fn of(in_request: bool, in_response: bool) -> Option<Direction> {
        match (in_request, in_response) {
            (true, true) => Some(Direction::Both),
            (true, false) => Some(Direction::Request),
            (false, true) => Some(Direction::Response),
            (false, false) => None,
        }
    }

    /// The direction covering both.
    pub fn union(a: Option<Direction>, b: Option<Direction>) -> Option<Direction> {
        let has = |d: Option<Direction>, x: Direction| d == Some(x) || d == Some(Direction::Both);
        Direction::of(
            has(a, Direction::Request) || has(b, Direction::Request),
            has(a, Direction::Response) || has(b, Direction::Response),
        )
    }

    /// The name used in reports (`request`).
    pub fn name(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::Both => "request and response",
        }
    }
}

/// Whether a change adds, removes or alters an item; the symmetry of a diff is stated in
/// these terms (what one direction adds, the other removes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// An item exists only on the new side.
    Added,
    /// An item exists only on the old side.
    Removed,
    /// An item exists on both sides, different.
    Changed,
}

/// The version bump a change needs, by semver's rules for the client crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    /// No change at all.
    #[default]
    None,
    /// Documentation only.
    Patch,
    /// New API, nothing broken.
    Minor,
    /// Something breaks (compiling, or on the wire).
    Major,
}

impl Bump {
    /// The name used in reports (`major`).
    pub fn name(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// One row of the table: the class in requests and in responses (equal for items that are
/// not in a message), the bump when the class is compatible, and why.
struct Row {
    rule: &'static str,
    effect: Effect,
    request: Class,
    response: Class,
    compatible_bump: Bump,
    why: &'static str,
}

macro_rules! kinds {
    ($( $(#[$meta:meta])* $variant:ident => $rule:literal, $effect:ident,
        $req:ident / $resp:ident, $bump:ident, $why:literal; )*) => {
        /// A kind of change, with a stable rule id (`field-removed`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ChangeKind {
            $( $(#[$meta])* $variant, )*
        }

        impl ChangeKind {
            /// Every kind, in table order.
            pub const ALL: &'static [ChangeKind] = &[$( ChangeKind::$variant, )*];

            fn row(self) -> Row {
                match self {
                    $( ChangeKind::$variant => Row {
                        rule: $rule,
                        effect: Effect::$effect,
                        request: Class::$req,
                        response: Class::$resp,
                        compatible_bump: Bump::$bump,
                        why: $why,
                    }, )*
                }
            }
        }
    };
}

kinds! {
    /// A service (a generated module) appeared.
    ServiceAdded => "service-added", Added, Compatible / Compatible, Minor,
        "a new module; nothing existing changes";
    /// A service disappeared.
    ServiceRemoved => "service-removed", Removed, Breaking / Breaking, Major,
        "its module, client and types are gone";
    /// `base_url` changed.
    BaseUrlChanged => "base-url-changed", Changed, Wire / Wire, Major,
        "every call goes to another host or prefix";
    /// `auth.scheme` changed.
    AuthSchemeChanged => "auth-scheme-changed", Changed, Breaking / Breaking, Major,
        "the client's configuration type and credentials change";
    /// A parameter of the auth scheme changed.
    SigningParameterChanged => "signing-parameter-changed", Changed, Wire / Wire, Major,
        "requests are signed or authorised differently; the gateway may refuse them";
    /// A field of the response envelope changed.
    EnvelopeChanged => "envelope-changed", Changed, Wire / Wire, Major,
        "answers are unwrapped or judged successful differently";
    /// An error code was documented.
    ErrorCodeAdded => "error-code-added", Added, Compatible / Compatible, Minor,
        "an answer the client could not interpret before gets a name and handling";
    /// An error code was dropped.
    ErrorCodeRemoved => "error-code-removed", Removed, Wire / Wire, Major,
        "the code becomes unknown: its token refresh, retry or outcome handling is lost";
    /// An error code's value, HTTP status or name changed.
    ErrorCodeChanged => "error-code-changed", Changed, Wire / Wire, Major,
        "answers carrying the old code, or code matching the old name, are handled differently";
    /// An error code's action, `retryable` or `processed` changed.
    ErrorHandlingChanged => "error-handling-changed", Changed, Wire / Wire, Major,
        "the client retries, refreshes or reports the outcome of that code differently";
    /// An endpoint appeared.
    EndpointAdded => "endpoint-added", Added, Compatible / Compatible, Minor,
        "a new client method";
    /// An endpoint disappeared.
    EndpointRemoved => "endpoint-removed", Removed, Breaking / Breaking, Major,
        "its client method is gone";
    /// An endpoint's operation changed while its method and path stayed.
    EndpointRenamed => "endpoint-renamed", Changed, Breaking / Breaking, Major,
        "the client method has another name (the route is unchanged)";
    /// An endpoint's HTTP method changed.
    MethodChanged => "method-changed", Changed, Wire / Wire, Major,
        "the same call is sent with another HTTP method";
    /// An endpoint's path changed.
    PathChanged => "path-changed", Changed, Wire / Wire, Major,
        "the same call is sent to another URL";
    /// The idempotency key field was added, removed or changed.
    IdempotencyKeyChanged => "idempotency-key-changed", Changed, Wire / Wire, Major,
        "the field a caller keeps to repeat a call safely is another one";
    /// The vendor evidence that repeats are ignored was added or removed.
    RetryEvidenceChanged => "retry-evidence-changed", Changed, Wire / Wire, Major,
        "the client now repeats (or no longer repeats) writes that may have been applied";
    /// `safe` changed.
    SafeChanged => "safe-changed", Changed, Wire / Wire, Major,
        "the client now repeats (or no longer repeats) the call after any transient failure";
    /// The endpoint's request type is another type.
    RequestTypeChanged => "request-type-changed", Changed, Breaking / Breaking, Major,
        "the client method takes another type";
    /// The endpoint's response type is another type.
    ResponseTypeChanged => "response-type-changed", Changed, Breaking / Breaking, Major,
        "the client method returns another type";
    /// A named type appeared.
    TypeAdded => "type-added", Added, Compatible / Compatible, Minor,
        "a new public type";
    /// A named type disappeared.
    TypeRemoved => "type-removed", Removed, Breaking / Breaking, Major,
        "a public type is gone";
    /// A type has another name and the same contents.
    TypeRenamed => "type-renamed", Changed, Breaking / Breaking, Major,
        "the public type has another name (its JSON is unchanged)";
    /// A struct became an enum or the other way round.
    TypeKindChanged => "type-kind-changed", Changed, Breaking / Breaking, Major,
        "a struct became an enum or an enum a struct";
    /// A type is no longer used in requests or no longer in responses.
    TypeUsageNarrowed => "type-usage-narrowed", Changed, Breaking / Breaking, Major,
        "it loses its constructor and setters (no longer in a request) or its `extra` field \
         (no longer in a response)";
    /// A type is now also used in requests or responses.
    TypeUsageWidened => "type-usage-widened", Changed, Compatible / Compatible, Minor,
        "it gains a constructor and setters, or an `extra` field";
    /// An enum's wire form changed between integer and string.
    EnumReprChanged => "enum-repr-changed", Changed, Breaking / Breaking, Major,
        "`value()` becomes `as_str()` (or back) and the JSON changes from numbers to strings";
    /// An enum gained a value.
    VariantAdded => "enum-variant-added", Added, Compatible / Compatible, Minor,
        "enums are `#[non_exhaustive]`; older clients decode the value as `Unknown(..)`";
    /// An enum lost a value.
    VariantRemoved => "enum-variant-removed", Removed, Breaking / Breaking, Major,
        "code naming the variant no longer compiles";
    /// An enum value has another variant name.
    VariantRenamed => "enum-variant-renamed", Changed, Breaking / Breaking, Major,
        "code naming the variant no longer compiles (the value on the wire is unchanged)";
    /// A variant's wire value changed.
    VariantValueChanged => "enum-value-changed", Changed, Wire / Wire, Major,
        "the same variant is sent or recognised as another value";
    /// An optional field appeared.
    FieldAdded => "field-added", Added, Compatible / Compatible, Minor,
        "a new setter (request) or a new `Option` field (response) of a `#[non_exhaustive]` \
         struct";
    /// A required field appeared.
    RequiredFieldAdded => "required-field-added", Added, Breaking / Wire, Minor,
        "a request's `new` takes one more argument; an answer without the field, accepted \
         before, now fails to decode";
    /// A field disappeared.
    FieldRemoved => "field-removed", Removed, Breaking / Breaking, Major,
        "code reading or setting the field no longer compiles";
    /// A field's `rust_name` changed, its wire name stayed.
    RustNameChanged => "rust-name-changed", Changed, Breaking / Breaking, Major,
        "the Rust field (and a request's setter) has another name; the JSON is unchanged";
    /// A field's wire name changed, its Rust name stayed.
    WireNameChanged => "wire-name-changed", Changed, Wire / Wire, Major,
        "the same Rust field is sent or read under another JSON key";
    /// A field's value type changed.
    FieldTypeChanged => "field-type-changed", Changed, Breaking / Breaking, Major,
        "the Rust type of the field, its setter and `new` change";
    /// A maximum length was lowered or introduced.
    MaxLengthTightened => "max-length-tightened", Changed, Wire / Compatible, Patch,
        "requests that were accepted may now be refused; in an answer it only documents";
    /// A maximum length was raised or dropped.
    MaxLengthLoosened => "max-length-loosened", Changed, Compatible / Compatible, Patch,
        "every value that was valid still is";
    /// An optional field became required.
    FieldBecameRequired => "field-became-required", Changed, Breaking / Breaking, Major,
        "a request's `new` takes it and its setter goes; a response field loses its `Option`";
    /// A required field became optional.
    FieldBecameOptional => "field-became-optional", Changed, Breaking / Breaking, Major,
        "a request's `new` no longer takes it; a response field becomes an `Option`";
    /// A required field became nullable or stopped being so.
    FieldNullableChanged => "field-nullable-changed", Changed, Breaking / Breaking, Major,
        "the field and its `new` argument change between `T` and `Option<T>`";
    /// A field became computed (filled by the runtime) or stopped being so.
    FieldComputedChanged => "field-computed-changed", Changed, Breaking / Breaking, Major,
        "the caller gains or loses the setter or `new` argument of the field";
    /// A request constructor's arguments were reordered, their types in the same order.
    ConstructorArgumentsSwapped => "constructor-arguments-swapped", Changed, Wire / Compatible, Patch,
        "`new(a, b)` still compiles but each value lands in another field";
    /// A request constructor's arguments were reordered, so their types moved.
    ConstructorArgumentsReordered => "constructor-arguments-reordered", Changed,
        Breaking / Compatible, Patch,
        "`new` takes its arguments in another order; calls stop compiling";
    /// A field accepts another name when decoding.
    AliasAdded => "alias-added", Added, Compatible / Compatible, Patch,
        "answers are accepted under one more key";
    /// A field no longer accepts a name when decoding.
    AliasRemoved => "alias-removed", Removed, Compatible / Wire, Patch,
        "answers using that key no longer fill the field";
    /// A summary, description, doc, example value, title, page or header changed.
    DocChanged => "doc-changed", Changed, Compatible / Compatible, Patch,
        "only rustdoc changes";
    /// Quirks changed.
    QuirksChanged => "quirks-changed", Changed, Compatible / Compatible, Patch,
        "only rustdoc changes";
    /// An endpoint's examples changed.
    ExamplesChanged => "examples-changed", Changed, Compatible / Compatible, Patch,
        "examples feed the sandbox and docs, not the client";
}

impl ChangeKind {
    /// The stable rule id (`field-removed`).
    pub fn rule(self) -> &'static str {
        self.row().rule
    }

    /// Whether the change adds, removes or alters an item.
    pub fn effect(self) -> Effect {
        self.row().effect
    }

    /// The class of the change for an item in `direction` (`None`: an item of no
    /// message, such as an endpoint or the service): the more severe side for both.
    pub fn class(self, direction: Option<Direction>) -> Class {
        let row = self.row();
        match direction {
            Some(Direction::Request) => row.request,
            Some(Direction::Response) => row.response,
            Some(Direction::Both) | None => row.request.max(row.response),
        }
    }

    /// The version bump the change needs in `direction`.
    pub fn bump(self, direction: Option<Direction>) -> Bump {
        match self.class(direction) {
            Class::Compatible => self.row().compatible_bump,
            Class::Breaking | Class::Wire => Bump::Major,
        }
    }

    /// Why the change has its class, in a few words.
    pub fn why(self) -> &'static str {
        self.row().why
    }

    /// The class in requests and in responses.
    pub fn classes(self) -> (Class, Class) {
        let row = self.row();
        (row.request, row.response)
    }
}

impl Serialize for ChangeKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.rule())
    }
}
