CREATE TABLE "contacts" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"customer_id" text NOT NULL,
	"name" text,
	"title" text,
	"phone" text,
	"email" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "contacts_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_events" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"customer_id" text NOT NULL,
	"type" text NOT NULL,
	"actor_id" text,
	"at" timestamp with time zone NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "customer_events_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_keys" (
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"customer_id" text NOT NULL,
	CONSTRAINT "customer_keys_workspace_id_kind_value_customer_id_pk" PRIMARY KEY("workspace_id","kind","value","customer_id")
);
--> statement-breakpoint
CREATE TABLE "customer_merges" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"survivor_id" text NOT NULL,
	"merged_id" text NOT NULL,
	"before" jsonb NOT NULL,
	"by" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"undone_at" timestamp with time zone,
	CONSTRAINT "customer_merges_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text DEFAULT '' NOT NULL,
	"uscc" text,
	"source" text,
	"region" text,
	"industry" text,
	"owner_id" text,
	"team_id" text,
	"pool_state" text DEFAULT 'owned' NOT NULL,
	"claimed_at" timestamp with time zone,
	"protected_until" timestamp with time zone,
	"previous_owner_id" text,
	"released_at" timestamp with time zone,
	"flagged" boolean DEFAULT false NOT NULL,
	"merged_into" text,
	"merged_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customers_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "pools" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"team_id" text,
	"rules" jsonb NOT NULL,
	"policies" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "pools_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "records" ADD COLUMN "customer_id" text;--> statement-breakpoint
CREATE INDEX "contacts_customer_idx" ON "contacts" USING btree ("workspace_id","customer_id");--> statement-breakpoint
CREATE INDEX "customer_events_customer_idx" ON "customer_events" USING btree ("workspace_id","customer_id","at");--> statement-breakpoint
CREATE INDEX "customer_events_actor_idx" ON "customer_events" USING btree ("workspace_id","actor_id","type","at");--> statement-breakpoint
CREATE INDEX "customer_keys_customer_idx" ON "customer_keys" USING btree ("workspace_id","customer_id");--> statement-breakpoint
CREATE INDEX "customer_merges_merged_idx" ON "customer_merges" USING btree ("workspace_id","merged_id","at");--> statement-breakpoint
CREATE INDEX "customers_owner_idx" ON "customers" USING btree ("workspace_id","owner_id","updated_at");--> statement-breakpoint
CREATE INDEX "customers_pool_idx" ON "customers" USING btree ("workspace_id","pool_state","updated_at") WHERE merged_into is null;--> statement-breakpoint
CREATE INDEX "records_customer_idx" ON "records" USING btree ("workspace_id","customer_id");--> statement-breakpoint
-- hand-written
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "customers_name_trgm_idx" ON "customers" USING gin ("name_key" gin_trgm_ops) WHERE merged_into is null;--> statement-breakpoint
-- Backfill: every existing record gets a customer built from its fields. Records sharing a
-- phone (else an e-mail, else a company name) share one customer; keys that link two of the
-- resulting customers show in the duplicates queue. The normalisation approximates the
-- engine's (no traditional→simplified folding); new writes use the engine's keys.
CREATE TEMP TABLE customer_backfill AS
SELECT s.*,
       coalesce('p:' || s.phone, 'e:' || s.email, 'c:' || nullif(s.company_key, ''), 'r:' || s.id) AS gkey
  FROM (
    SELECT r.workspace_id, r.id, r.owner_id, r.team_id, r.created_at, r.updated_at, r.status,
           f.company, f.person, f.email, f.phone_raw,
           CASE
             WHEN f.d ~ '^(0086|86)1[3-9][0-9]{9}$' THEN '+86' || right(f.d, 11)
             WHEN f.d ~ '^1[3-9][0-9]{9}$' THEN '+86' || f.d
             WHEN f.d ~ '^0[1-9][0-9]{8,10}$' THEN '+86' || substr(f.d, 2)
             WHEN f.d ~ '^(0086|86)[1-9][0-9]{8,10}$' THEN '+86' || regexp_replace(f.d, '^(0086|86)', '')
             ELSE NULL
           END AS phone,
           regexp_replace(
             regexp_replace(
               regexp_replace(lower(coalesce(f.company, '')), '[(（\[【][^)）\]】]*[)）\]】]', '', 'g'),
               '[[:space:][:punct:]（）【】，。、·]', '', 'g'),
             '(股份有限公司|有限责任公司|集团有限公司|有限公司|分公司|集团|公司)$', '') AS company_key
      FROM records r
      CROSS JOIN LATERAL (
        SELECT nullif(btrim(coalesce(r.fields->>'company', r.fields->>'companyName', r.fields->>'customerName', '')), '') AS company,
               nullif(btrim(coalesce(r.fields->>'contactName', r.fields->>'name', '')), '') AS person,
               nullif(lower(btrim(coalesce(r.fields->>'email', ''))), '') AS email,
               nullif(btrim(coalesce(r.fields->>'phone', r.fields->>'mobile', '')), '') AS phone_raw,
               regexp_replace(
                 regexp_replace(
                   translate(coalesce(r.fields->>'phone', r.fields->>'mobile', ''), '０１２３４５６７８９＋', '0123456789+'),
                   '(#|转|ext\.?|x)[[:space:]]*[0-9]{1,6}$', ''),
                 '[^0-9]', '', 'g') AS d
      ) f
     WHERE r.customer_id IS NULL
  ) s;--> statement-breakpoint
UPDATE customer_backfill SET email = NULL WHERE email !~ '^[^[:space:]@]+@[^[:space:]@]+\.[^[:space:]@]+$';--> statement-breakpoint
ALTER TABLE customer_backfill ADD COLUMN customer_id text;--> statement-breakpoint
UPDATE customer_backfill SET customer_id = md5(workspace_id || ':' || gkey)::uuid::text;--> statement-breakpoint
INSERT INTO customers (workspace_id, id, kind, name, name_key, owner_id, team_id, pool_state, claimed_at, created_at, updated_at)
SELECT DISTINCT ON (b.workspace_id, b.customer_id)
       b.workspace_id, b.customer_id,
       CASE WHEN b.company IS NOT NULL THEN 'company' ELSE 'person' END,
       coalesce(b.company, b.person, b.phone_raw, b.email, '—'),
       CASE WHEN b.company IS NOT NULL THEN b.company_key ELSE lower(coalesce(b.person, '')) END,
       b.owner_id, b.team_id, 'owned', b.created_at, b.created_at, b.updated_at
  FROM customer_backfill b
 ORDER BY b.workspace_id, b.customer_id, (b.status = 'open') DESC, b.updated_at DESC;--> statement-breakpoint
INSERT INTO contacts (workspace_id, id, customer_id, name, phone, email, created_at)
SELECT DISTINCT ON (b.workspace_id, b.customer_id, coalesce(b.phone, b.email, b.person))
       b.workspace_id, md5(b.workspace_id || ':' || b.id || ':contact')::uuid::text, b.customer_id,
       b.person, b.phone_raw, b.email, b.created_at
  FROM customer_backfill b
 WHERE b.person IS NOT NULL OR b.phone IS NOT NULL OR b.email IS NOT NULL
 ORDER BY b.workspace_id, b.customer_id, coalesce(b.phone, b.email, b.person), b.created_at;--> statement-breakpoint
INSERT INTO customer_keys (workspace_id, kind, value, customer_id)
SELECT DISTINCT b.workspace_id, k.kind, k.value, b.customer_id
  FROM customer_backfill b
 CROSS JOIN LATERAL (VALUES ('phone', b.phone), ('email', b.email), ('company', nullif(b.company_key, ''))) AS k(kind, value)
 WHERE k.value IS NOT NULL
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE records r SET customer_id = b.customer_id
  FROM customer_backfill b
 WHERE r.workspace_id = b.workspace_id AND r.id = b.id;--> statement-breakpoint
DROP TABLE customer_backfill;
