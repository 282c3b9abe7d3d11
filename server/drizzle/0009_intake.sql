CREATE TABLE "form_submissions" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"form_id" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"ip_hash" text NOT NULL,
	"payload" jsonb NOT NULL,
	"meta" jsonb NOT NULL,
	"record_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_at" timestamp with time zone,
	"fill_ms" bigint,
	CONSTRAINT "form_submissions_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "forms" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"key" text NOT NULL,
	"sop_id" text NOT NULL,
	"title" jsonb NOT NULL,
	"fields" jsonb NOT NULL,
	"source" text NOT NULL,
	"owner_id" text,
	"duplicate_policy" text DEFAULT 'skip' NOT NULL,
	"thank_you" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forms_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "import_files" (
	"workspace_id" text NOT NULL,
	"hash" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_files_workspace_id_hash_pk" PRIMARY KEY("workspace_id","hash")
);
--> statement-breakpoint
CREATE TABLE "import_rows" (
	"workspace_id" text NOT NULL,
	"import_id" text NOT NULL,
	"row_number" integer NOT NULL,
	"outcome" text NOT NULL,
	"record_id" text,
	"reasons" jsonb,
	"cells" jsonb,
	CONSTRAINT "import_rows_workspace_id_import_id_row_number_pk" PRIMARY KEY("workspace_id","import_id","row_number")
);
--> statement-breakpoint
CREATE TABLE "import_templates" (
	"workspace_id" text NOT NULL,
	"sop_id" text NOT NULL,
	"source" text NOT NULL,
	"mapping" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_templates_workspace_id_sop_id_source_pk" PRIMARY KEY("workspace_id","sop_id","source")
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"sop_id" text NOT NULL,
	"created_by" text NOT NULL,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"file_size" integer NOT NULL,
	"kind" text NOT NULL,
	"encoding" text,
	"sheets" jsonb NOT NULL,
	"sheet" text NOT NULL,
	"header_row" integer NOT NULL,
	"mapping" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" text NOT NULL,
	"duplicate_policy" text DEFAULT 'skip' NOT NULL,
	"owner_id" text,
	"status" text DEFAULT 'uploaded' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"attached" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"dry_run" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "imports_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "intake_keys" (
	"workspace_id" text NOT NULL,
	"key" text NOT NULL,
	"record_id" text NOT NULL,
	CONSTRAINT "intake_keys_workspace_id_key_pk" PRIMARY KEY("workspace_id","key")
);
--> statement-breakpoint
CREATE TABLE "intake_leads" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"channel" text NOT NULL,
	"source" text NOT NULL,
	"external_id" text,
	"sop_id" text NOT NULL,
	"record_id" text NOT NULL,
	"raw" jsonb NOT NULL,
	"import_id" text,
	"form_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intake_leads_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE INDEX "form_submissions_form_idx" ON "form_submissions" USING btree ("workspace_id","form_id","created_at");--> statement-breakpoint
CREATE INDEX "form_submissions_ip_idx" ON "form_submissions" USING btree ("ip_hash","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "forms_key_uq" ON "forms" USING btree ("key");--> statement-breakpoint
CREATE INDEX "imports_created_idx" ON "imports" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "imports_hash_idx" ON "imports" USING btree ("workspace_id","file_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "intake_leads_external_uq" ON "intake_leads" USING btree ("workspace_id","source","external_id") WHERE external_id is not null;--> statement-breakpoint
CREATE INDEX "intake_leads_source_idx" ON "intake_leads" USING btree ("workspace_id","source","created_at");--> statement-breakpoint
CREATE INDEX "intake_leads_record_idx" ON "intake_leads" USING btree ("workspace_id","record_id");