// SQLite schema. Conventions: ids are INTEGER PRIMARY KEY; timestamps are ISO-8601 UTC text;
// soft-deleted rows keep their data and get deleted_at; `version` counts updates for optimistic
// concurrency; `match_key` columns hold the canonical, diacritic-free, case-folded form of a name
// (text::MatchKey) for accent-insensitive filtering.
#include "storage/schema.h"

namespace stio::storage {
namespace {

constexpr std::string_view kV1Reference = R"sql(
CREATE TABLE admin_units (
  era TEXT NOT NULL CHECK (era IN ('2025', 'pre2025')),
  level TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  full_name TEXT NOT NULL,
  unit_type TEXT NOT NULL,
  province_code TEXT,
  district_code TEXT,
  successor_code TEXT,  -- pre-2025 provinces: the 2025 province they became part of
  name_en TEXT,
  slug TEXT,
  area_km2 REAL,
  population INTEGER,
  quality_flag TEXT,
  extra_json TEXT,
  match_key TEXT NOT NULL,
  PRIMARY KEY (era, level, code)
);
CREATE INDEX admin_units_parent ON admin_units (era, level, province_code);
CREATE INDEX admin_units_code ON admin_units (code);

CREATE TABLE admin_unit_conversion (
  id INTEGER PRIMARY KEY,
  new_province_code TEXT NOT NULL,
  new_commune_code TEXT,
  old_province_code TEXT NOT NULL,
  old_district_code TEXT,
  old_commune_code TEXT,
  old_commune_name TEXT,
  old_district_name TEXT,
  old_province_name TEXT,
  merge_type TEXT NOT NULL,
  note_vi TEXT
);
CREATE INDEX conversion_new ON admin_unit_conversion (new_commune_code);
CREATE INDEX conversion_old ON admin_unit_conversion (old_commune_code);
CREATE INDEX conversion_old_province ON admin_unit_conversion (old_province_code);

CREATE TABLE classifications (
  scheme TEXT NOT NULL CHECK (scheme IN ('fos', 'vsic')),
  code TEXT NOT NULL,
  level INTEGER NOT NULL,
  parent_code TEXT,
  name_vi TEXT NOT NULL,
  name_en TEXT,
  PRIMARY KEY (scheme, code)
);

CREATE TABLE reference_datasets (
  name TEXT PRIMARY KEY,
  checksum TEXT NOT NULL,
  rows INTEGER NOT NULL,
  loaded_at TEXT NOT NULL
);
)sql";

constexpr std::string_view kV2Accounts = R"sql(
CREATE TABLE organizations (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'research_institute', 'university',
                                     'state_agency', 'startup', 'other')),
  name TEXT NOT NULL,
  name_en TEXT,
  short_name TEXT,
  tax_code TEXT,
  vsic_code TEXT,
  province_code TEXT,
  commune_code TEXT,
  address TEXT,
  website TEXT,
  email TEXT,
  phone TEXT,
  founded_on TEXT,
  description TEXT,
  match_key TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX organizations_tax_code ON organizations (tax_code)
  WHERE tax_code IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX organizations_province ON organizations (province_code);
CREATE INDEX organizations_kind ON organizations (kind);

CREATE TABLE st_certificates (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  number TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  issuer TEXT,
  note TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
  status_since TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (number)
);
CREATE INDEX certificates_org ON st_certificates (organization_id);

CREATE TABLE st_certificate_events (
  id INTEGER PRIMARY KEY,
  certificate_id INTEGER NOT NULL REFERENCES st_certificates (id),
  action TEXT NOT NULL CHECK (action IN ('issue', 'amend', 'suspend', 'reinstate', 'revoke')),
  date TEXT NOT NULL,
  reason TEXT,
  decision_number TEXT,
  actor_email TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX certificate_events_cert ON st_certificate_events (certificate_id);

CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  full_name TEXT NOT NULL,
  title TEXT,
  organization_id INTEGER REFERENCES organizations (id),
  position TEXT,
  orcid TEXT,
  email TEXT,
  phone TEXT,
  is_expert INTEGER NOT NULL DEFAULT 0,
  contact_public INTEGER NOT NULL DEFAULT 0,
  province_code TEXT,
  bio TEXT,
  keywords TEXT NOT NULL DEFAULT '[]',
  match_key TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX people_orcid ON people (orcid) WHERE orcid IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX people_org ON people (organization_id);

CREATE TABLE person_fields (
  person_id INTEGER NOT NULL REFERENCES people (id),
  field_code TEXT NOT NULL,
  PRIMARY KEY (person_id, field_code)
);
CREATE INDEX person_fields_code ON person_fields (field_code);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'reviewer', 'member')),
  organization_id INTEGER REFERENCES organizations (id),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled_at TEXT,
  last_login_at TEXT
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  remote_address TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);

-- Append-only: the triggers below refuse any change to a written row.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_user_id INTEGER,
  actor_email TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT,
  before_json TEXT,
  after_json TEXT,
  remote_address TEXT
);
CREATE INDEX audit_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_actor ON audit_log (actor_email);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// Monitoring (issue 5): data elements and indicators in the manner of DHIS2, values per unit and
// period with an approval workflow, validation rules, action plans and their targets.
constexpr std::string_view kV3Monitoring = R"sql(
CREATE TABLE data_elements (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name_vi TEXT NOT NULL,
  name_en TEXT,
  unit TEXT,
  aggregation TEXT NOT NULL CHECK (aggregation IN ('sum', 'average', 'last')),
  value_type TEXT NOT NULL CHECK (value_type IN ('number', 'integer', 'percent')),
  description TEXT,
  derived_from TEXT,  -- NULL: entered; else the registry query that computes it
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE indicators (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name_vi TEXT NOT NULL,
  name_en TEXT,
  numerator TEXT NOT NULL,  -- expression over data element (or indicator) codes
  denominator TEXT,         -- NULL means 1
  factor REAL NOT NULL DEFAULT 1,
  unit TEXT,
  direction INTEGER NOT NULL CHECK (direction IN (1, -1)),
  definition TEXT,
  source TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE data_values (
  id INTEGER PRIMARY KEY,
  data_element_id INTEGER NOT NULL REFERENCES data_elements (id),
  era TEXT NOT NULL CHECK (era IN ('2025', 'pre2025')),
  level TEXT NOT NULL CHECK (level IN ('nation', 'province', 'commune')),
  unit_code TEXT NOT NULL,
  period TEXT NOT NULL,  -- YYYY, YYYYQn or YYYYMM
  value REAL NOT NULL,
  source TEXT,
  note TEXT,
  outlier INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'locked')),
  entered_by TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (data_element_id, era, level, unit_code, period)
);
CREATE INDEX data_values_period ON data_values (data_element_id, period);

CREATE TABLE validation_rules (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  data_element_id INTEGER NOT NULL REFERENCES data_elements (id),
  min_value REAL,
  max_value REAL,
  operator TEXT CHECK (operator IN ('<=', '<', '>=', '>')),
  other_element_id INTEGER REFERENCES data_elements (id),
  message TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE value_approvals (
  id INTEGER PRIMARY KEY,
  data_value_id INTEGER NOT NULL REFERENCES data_values (id),
  action TEXT NOT NULL CHECK (action IN ('submit', 'approve', 'lock', 'reopen')),
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  reason TEXT,
  actor_email TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX value_approvals_value ON value_approvals (data_value_id);

CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  issuing_decision TEXT,
  period_from INTEGER NOT NULL,
  period_to INTEGER NOT NULL,
  owner_agency TEXT,
  province_era TEXT NOT NULL DEFAULT '2025' CHECK (province_era IN ('2025', 'pre2025')),
  province_code TEXT,
  source TEXT,
  note TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);

CREATE TABLE plan_targets (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  code TEXT,
  text_vi TEXT NOT NULL,
  indicator_id INTEGER REFERENCES indicators (id),
  baseline_value REAL,
  baseline_year INTEGER,
  target_value REAL,
  target_year INTEGER,
  direction INTEGER NOT NULL DEFAULT 1 CHECK (direction IN (1, -1)),
  legal_basis TEXT,
  responsible_agency TEXT,
  solutions TEXT,
  budget_vnd REAL,
  data_source TEXT,
  note TEXT,
  match_key TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX plan_targets_plan ON plan_targets (plan_id);
)sql";

// Intellectual property (issue 7): the province's IP assets and their events; the deadline rules
// loaded from data/ip/deadline_rules.json (one row per kind, '_general' for the shared settings).
constexpr std::string_view kV4Ip = R"sql(
CREATE TABLE ip_rules (
  kind TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  rule_json TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE ip_assets (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('patent', 'utility_solution', 'industrial_design',
                                     'trademark', 'collective_mark', 'certification_mark',
                                     'geographical_indication', 'plant_variety', 'layout_design')),
  title TEXT NOT NULL,
  application_number TEXT NOT NULL,
  grant_number TEXT,
  filing_date TEXT NOT NULL,
  priority_date TEXT,
  publication_date TEXT,
  grant_date TEXT,
  owner_organization_id INTEGER REFERENCES organizations (id),
  owner_person_id INTEGER REFERENCES people (id),
  owner_name TEXT,
  inventors TEXT NOT NULL DEFAULT '[]',  -- JSON list of person ids or names
  classes TEXT NOT NULL DEFAULT '[]',    -- JSON list of IPC, Nice or Locarno codes
  status TEXT NOT NULL CHECK (status IN ('filed', 'published', 'examination_requested',
                                         'granted', 'refused', 'withdrawn', 'lapsed', 'expired',
                                         'invalidated')),
  province_code TEXT,
  key_product TEXT,
  ocop_product TEXT,
  published INTEGER NOT NULL DEFAULT 0,
  paid_up_to INTEGER NOT NULL DEFAULT 0,
  renewals_done INTEGER NOT NULL DEFAULT 0,
  note TEXT,
  match_key TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX ip_assets_application ON ip_assets (application_number)
  WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX ip_assets_grant ON ip_assets (kind, grant_number)
  WHERE grant_number IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX ip_assets_owner ON ip_assets (owner_organization_id);
CREATE INDEX ip_assets_kind ON ip_assets (kind, status);

CREATE TABLE ip_events (
  id INTEGER PRIMARY KEY,
  asset_id INTEGER NOT NULL REFERENCES ip_assets (id),
  type TEXT NOT NULL CHECK (type IN ('filing', 'examination_notice', 'grant', 'fee_payment',
                                     'renewal', 'assignment', 'licence', 'lapse',
                                     'invalidation')),
  date TEXT NOT NULL,
  note TEXT,
  document_ref TEXT,
  paid_up_to INTEGER,
  actor_email TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX ip_events_asset ON ip_events (asset_id, date);
)sql";

// Technology exchange (issue 4): offers and needs with their review lifecycle and attachments,
// introductions between parties (connections), technology transfer contracts and their follow-up,
// S&T task proposals made from unmet needs; and, for every module, in-app notifications, an e-mail
// outbox and settings.
constexpr std::string_view kV5Exchange = R"sql(
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE exchange_listings (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('offer', 'need')),
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  description TEXT,
  fields TEXT NOT NULL DEFAULT '[]',          -- JSON list of field-of-science codes
  ipc TEXT NOT NULL DEFAULT '[]',             -- JSON list of IPC symbols
  keywords TEXT NOT NULL DEFAULT '[]',        -- JSON list of words
  transfer_modes TEXT NOT NULL DEFAULT '[]',  -- offers: modes offered; needs: modes accepted
  ip_asset_ids TEXT NOT NULL DEFAULT '[]',    -- offers: linked IP assets
  trl INTEGER CHECK (trl BETWEEN 1 AND 9),          -- offers: readiness of the technology
  trl_min INTEGER CHECK (trl_min BETWEEN 1 AND 9),  -- needs: the lowest readiness accepted
  price_vnd INTEGER CHECK (price_vnd >= 0),         -- offers; NULL with price_negotiable
  price_negotiable INTEGER NOT NULL DEFAULT 0,
  budget_min_vnd INTEGER CHECK (budget_min_vnd >= 0),  -- needs
  budget_max_vnd INTEGER CHECK (budget_max_vnd >= 0),
  deadline TEXT,                 -- needs: wanted by
  accepted_result TEXT,          -- needs: what result they would accept
  sector_vsic TEXT,              -- needs: the enterprise's sector
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  contact_name TEXT,
  contact_email TEXT,
  contact_phone TEXT,
  province_code TEXT,
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'published', 'expired',
                                         'withdrawn')),
  review_note TEXT,
  reviewed_by TEXT,
  reviewed_at TEXT,
  submitted_at TEXT,
  published_at TEXT,
  expires_at TEXT,
  withdrawn_at TEXT,
  source TEXT,  -- where an imported listing came from
  match_key TEXT NOT NULL,
  created_by TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX exchange_listings_status ON exchange_listings (kind, status, expires_at);
CREATE INDEX exchange_listings_org ON exchange_listings (organization_id);

CREATE TABLE exchange_attachments (
  id INTEGER PRIMARY KEY,
  listing_id INTEGER NOT NULL REFERENCES exchange_listings (id),
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,  -- from the content, never from the name
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  content BLOB NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX exchange_attachments_listing ON exchange_attachments (listing_id);

CREATE TABLE transfer_contracts (
  id INTEGER PRIMARY KEY,
  connection_id INTEGER,
  offer_id INTEGER REFERENCES exchange_listings (id),
  transferor_organization_id INTEGER REFERENCES organizations (id),
  transferor_name TEXT NOT NULL,
  transferee_organization_id INTEGER REFERENCES organizations (id),
  transferee_name TEXT NOT NULL,
  object TEXT NOT NULL,
  form TEXT NOT NULL CHECK (form IN ('independent', 'investment_project', 'capital_contribution',
                                     'franchise', 'ip_rights', 'equipment')),
  rights TEXT NOT NULL CHECK (rights IN ('ownership', 'use')),
  direction TEXT NOT NULL CHECK (direction IN ('domestic', 'into_vietnam', 'out_of_vietnam')),
  state_capital INTEGER NOT NULL DEFAULT 0,
  registration_required INTEGER NOT NULL,
  registration_number TEXT,
  registration_date TEXT,
  value_vnd INTEGER CHECK (value_vnd >= 0),
  signed_date TEXT NOT NULL,
  fields TEXT NOT NULL DEFAULT '[]',
  province_code TEXT,
  status TEXT NOT NULL CHECK (status IN ('signed', 'registered', 'in_effect', 'completed',
                                         'terminated')),
  note TEXT,
  created_by TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX transfer_contracts_province ON transfer_contracts (province_code, signed_date);

CREATE TABLE transfer_followups (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES transfer_contracts (id),
  period TEXT NOT NULL,  -- YYYY, YYYYQn or YYYYMM after the transfer
  revenue_change_vnd INTEGER,
  productivity_change_pct REAL,
  jobs_created INTEGER,
  products TEXT,
  note TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (contract_id, period)
);

CREATE TABLE exchange_connections (
  id INTEGER PRIMARY KEY,
  listing_id INTEGER NOT NULL REFERENCES exchange_listings (id),
  requester_user_id INTEGER NOT NULL REFERENCES users (id),
  requester_organization_id INTEGER REFERENCES organizations (id),
  requester_listing_id INTEGER REFERENCES exchange_listings (id),
  message TEXT,
  status TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'declined', 'meeting', 'nda',
                                         'contract', 'closed', 'cancelled')),
  decline_reason TEXT CHECK (decline_reason IN ('price', 'stage', 'fit', 'timing', 'other')),
  decline_note TEXT,
  contract_id INTEGER REFERENCES transfer_contracts (id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX exchange_connections_listing ON exchange_connections (listing_id);
CREATE INDEX exchange_connections_requester ON exchange_connections (requester_user_id,
                                                                      created_at);

CREATE TABLE task_proposals (
  id INTEGER PRIMARY KEY,
  need_id INTEGER NOT NULL REFERENCES exchange_listings (id),
  title TEXT NOT NULL,
  proposal_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'exported')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER REFERENCES users (id),
  organization_id INTEGER REFERENCES organizations (id),
  kind TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT,
  created_at TEXT NOT NULL,
  read_at TEXT,
  CHECK (user_id IS NOT NULL OR organization_id IS NOT NULL)
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_org ON notifications (organization_id, id);

CREATE TABLE email_outbox (
  id INTEGER PRIMARY KEY,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  notification_id INTEGER REFERENCES notifications (id),
  created_at TEXT NOT NULL,
  sent_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox (sent_at, id);
)sql";

// Reminders (IP deadlines first): which reminder was sent, so that each is sent once.
constexpr std::string_view kV6Reminders = R"sql(
CREATE TABLE reminders_sent (
  key TEXT PRIMARY KEY,  -- e.g. ip:12:annuity:5:2026-03-05:30
  notification_id INTEGER REFERENCES notifications (id),
  sent_at TEXT NOT NULL
);
)sql";

// IP advice (issue 7): guidance articles, advisory requests with their threads, self-assessments.
constexpr std::string_view kV7IpAdvice = R"sql(
CREATE TABLE ip_articles (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  body TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',   -- JSON list of words
  kinds TEXT NOT NULL DEFAULT '[]',  -- JSON list of kinds of right it is about
  published INTEGER NOT NULL DEFAULT 0,
  match_key TEXT NOT NULL,
  created_by TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);

CREATE TABLE advisory_requests (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  requester_user_id INTEGER REFERENCES users (id),
  subject TEXT NOT NULL,
  topic TEXT NOT NULL,
  asset_ids TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
  outcome TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX advisory_requests_org ON advisory_requests (organization_id, status);

CREATE TABLE advisory_messages (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES advisory_requests (id),
  author_user_id INTEGER,
  author_email TEXT NOT NULL,
  from_staff INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX advisory_messages_request ON advisory_messages (request_id, id);

CREATE TABLE ip_assessments (
  id INTEGER PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  user_id INTEGER,
  answers_json TEXT NOT NULL,
  report_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX ip_assessments_org ON ip_assessments (organization_id, id);
)sql";

// IP, issue 7: who may use a geographical indication or a collective or certification mark (the
// holder authorises producers, cooperatives, households), and the province's priority sectors and
// key products that the free-to-use finder matches patents against.
constexpr std::string_view kV8IpOrigin = R"sql(
CREATE TABLE ip_mark_users (
  id INTEGER PRIMARY KEY,
  asset_id INTEGER NOT NULL REFERENCES ip_assets (id),
  organization_id INTEGER REFERENCES organizations (id),
  name TEXT NOT NULL,             -- the user's name (the organization's, or a household's)
  province_code TEXT NOT NULL,    -- 2025 map
  commune_code TEXT,              -- 2025 map
  products TEXT,                  -- what the user sells under the sign
  decision_number TEXT,           -- the authorisation (decision or contract) number
  authorised_on TEXT NOT NULL,
  valid_until TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
  note TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX ip_mark_users_asset ON ip_mark_users (asset_id) WHERE deleted_at IS NULL;
CREATE INDEX ip_mark_users_province ON ip_mark_users (province_code) WHERE deleted_at IS NULL;

CREATE TABLE province_priorities (
  id INTEGER PRIMARY KEY,
  province_code TEXT NOT NULL,    -- 2025 map
  kind TEXT NOT NULL CHECK (kind IN ('sector', 'key_product')),
  name TEXT NOT NULL,
  name_en TEXT,
  ipc_prefixes TEXT NOT NULL DEFAULT '[]',  -- JSON list, e.g. ["A23L", "C12G"]
  keywords TEXT NOT NULL DEFAULT '[]',      -- JSON list of words or phrases
  vsic_codes TEXT NOT NULL DEFAULT '[]',    -- JSON list of VSIC 2018 codes, for reference
  basis TEXT,                     -- the document that sets the priority
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX province_priorities_province ON province_priorities (province_code)
  WHERE deleted_at IS NULL;
)sql";

// Monitoring at scale (issue 5): a generation per data element and scope (the 2025 province a
// value counts towards: its own code, or its commune's province; 'pre2025:CODE' for a pre-2025
// province; 'VN' for the nation) that changes, in the writing transaction, whenever a value there
// is inserted, updated or deleted, by any path (hence triggers). Aggregated figures are cached
// against it (domain/indicators.cc, FigureCache), so a write in one commune leaves the other 33
// provinces' figures valid. Generations are random rather than counted, so a database restored
// from an older backup never repeats a generation it had before with other values. The seed scans
// every value once (seconds for 12 million).
constexpr std::string_view kV9ValueGenerations = R"sql(
CREATE TABLE data_value_generations (
  data_element_id INTEGER NOT NULL REFERENCES data_elements (id),
  scope TEXT NOT NULL,
  generation INTEGER NOT NULL,
  PRIMARY KEY (data_element_id, scope)
);
INSERT INTO data_value_generations (data_element_id, scope, generation)
  SELECT data_element_id, scope, random() FROM (
    SELECT DISTINCT v.data_element_id,
      CASE WHEN v.level = 'commune' THEN COALESCE((SELECT province_code FROM admin_units
        WHERE era = '2025' AND level = 'commune' AND code = v.unit_code), '?')
      WHEN v.level = 'province' AND v.era = '2025' THEN v.unit_code
      WHEN v.level = 'province' THEN 'pre2025:' || v.unit_code ELSE 'VN' END AS scope
    FROM data_values v) WHERE true;
CREATE TRIGGER data_values_generation_insert AFTER INSERT ON data_values
BEGIN
  INSERT INTO data_value_generations (data_element_id, scope, generation)
    VALUES (NEW.data_element_id,
      CASE WHEN NEW.level = 'commune' THEN COALESCE((SELECT province_code FROM admin_units
        WHERE era = '2025' AND level = 'commune' AND code = NEW.unit_code), '?')
      WHEN NEW.level = 'province' AND NEW.era = '2025' THEN NEW.unit_code
      WHEN NEW.level = 'province' THEN 'pre2025:' || NEW.unit_code ELSE 'VN' END,
      random())
    ON CONFLICT (data_element_id, scope) DO UPDATE SET generation = excluded.generation;
END;
CREATE TRIGGER data_values_generation_update AFTER UPDATE ON data_values
BEGIN
  INSERT INTO data_value_generations (data_element_id, scope, generation)
    VALUES (OLD.data_element_id,
      CASE WHEN OLD.level = 'commune' THEN COALESCE((SELECT province_code FROM admin_units
        WHERE era = '2025' AND level = 'commune' AND code = OLD.unit_code), '?')
      WHEN OLD.level = 'province' AND OLD.era = '2025' THEN OLD.unit_code
      WHEN OLD.level = 'province' THEN 'pre2025:' || OLD.unit_code ELSE 'VN' END,
      random())
    ON CONFLICT (data_element_id, scope) DO UPDATE SET generation = excluded.generation;
  INSERT INTO data_value_generations (data_element_id, scope, generation)
    VALUES (NEW.data_element_id,
      CASE WHEN NEW.level = 'commune' THEN COALESCE((SELECT province_code FROM admin_units
        WHERE era = '2025' AND level = 'commune' AND code = NEW.unit_code), '?')
      WHEN NEW.level = 'province' AND NEW.era = '2025' THEN NEW.unit_code
      WHEN NEW.level = 'province' THEN 'pre2025:' || NEW.unit_code ELSE 'VN' END,
      random())
    ON CONFLICT (data_element_id, scope) DO UPDATE SET generation = excluded.generation;
END;
CREATE TRIGGER data_values_generation_delete AFTER DELETE ON data_values
BEGIN
  INSERT INTO data_value_generations (data_element_id, scope, generation)
    VALUES (OLD.data_element_id,
      CASE WHEN OLD.level = 'commune' THEN COALESCE((SELECT province_code FROM admin_units
        WHERE era = '2025' AND level = 'commune' AND code = OLD.unit_code), '?')
      WHEN OLD.level = 'province' AND OLD.era = '2025' THEN OLD.unit_code
      WHEN OLD.level = 'province' THEN 'pre2025:' || OLD.unit_code ELSE 'VN' END,
      random())
    ON CONFLICT (data_element_id, scope) DO UPDATE SET generation = excluded.generation;
END;
)sql";

constexpr Migration kSqliteMigrations[] = {
    {1, "reference data: administrative units, conversion, classifications", kV1Reference},
    {2, "registry and accounts: organizations, certificates, people, users, audit", kV2Accounts},
    {3, "monitoring: data elements, indicators, values, approvals, plans, targets", kV3Monitoring},
    {4, "intellectual property: assets, events, deadline rules", kV4Ip},
    {5, "technology exchange: listings, connections, contracts, notifications, outbox",
     kV5Exchange},
    {6, "reminders: the ledger of reminders sent", kV6Reminders},
    {7, "IP advice: guidance articles, advisory requests and threads, self-assessments",
     kV7IpAdvice},
    {8, "IP: users of geographical indications and collective marks, province priorities",
     kV8IpOrigin},
    {9, "monitoring: a generation per data element and province, changed by every write",
     kV9ValueGenerations},
};

}  // namespace

std::span<const Migration> SqliteMigrations() { return kSqliteMigrations; }

std::span<const Migration> MigrationsFor(const Database& db) {
  // Only SQLite exists today; a PostgreSQL backend adds its own list here.
  (void)db;
  return SqliteMigrations();
}

}  // namespace stio::storage
