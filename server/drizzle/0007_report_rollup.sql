-- The daily rollup of the long-period reports (docs/reports.md, *Rollup*).
-- Rows are derived (services/reports/rollup.ts builds them on the first long-period report).
CREATE TABLE "report_day_edges" (
	"workspace_id" text NOT NULL,
	"sop_id" text NOT NULL,
	"day" date NOT NULL,
	"sop_version" integer NOT NULL,
	"team_id" text NOT NULL,
	"source" text NOT NULL,
	"target" text NOT NULL,
	"records" integer NOT NULL,
	"taken" integer NOT NULL,
	CONSTRAINT "report_day_edges_workspace_id_sop_id_day_sop_version_team_id_source_target_pk" PRIMARY KEY("workspace_id","sop_id","day","sop_version","team_id","source","target")
);
--> statement-breakpoint
CREATE TABLE "report_day_events" (
	"workspace_id" text NOT NULL,
	"sop_id" text NOT NULL,
	"day" date NOT NULL,
	"sop_version" integer NOT NULL,
	"team_id" text NOT NULL,
	"at_day" date NOT NULL,
	"kind" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "report_day_events_workspace_id_sop_id_day_sop_version_team_id_at_day_kind_pk" PRIMARY KEY("workspace_id","sop_id","day","sop_version","team_id","at_day","kind")
);
--> statement-breakpoint
CREATE TABLE "report_days" (
	"workspace_id" text NOT NULL,
	"sop_id" text NOT NULL,
	"day" date NOT NULL,
	"sop_version" integer NOT NULL,
	"team_id" text NOT NULL,
	"stage" text NOT NULL,
	"entered" integer NOT NULL,
	"converted" integer NOT NULL,
	"visits" integer NOT NULL,
	"finished" integer NOT NULL,
	"open" integer NOT NULL,
	"breached" integer NOT NULL,
	"dropped" integer NOT NULL,
	"wall_hist" integer[],
	"work_hist" integer[],
	CONSTRAINT "report_days_workspace_id_sop_id_day_sop_version_team_id_stage_pk" PRIMARY KEY("workspace_id","sop_id","day","sop_version","team_id","stage")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_state" (
	"workspace_id" text NOT NULL,
	"sop_id" text NOT NULL,
	"watermark" timestamp with time zone NOT NULL,
	"utc_offset_minutes" integer NOT NULL,
	"signature" text NOT NULL,
	"built_at" timestamp with time zone NOT NULL,
	CONSTRAINT "report_rollup_state_workspace_id_sop_id_pk" PRIMARY KEY("workspace_id","sop_id")
);
--> statement-breakpoint
CREATE INDEX "report_day_events_at_idx" ON "report_day_events" USING btree ("workspace_id","sop_id","at_day","sop_version","team_id","kind","n");