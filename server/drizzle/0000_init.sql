CREATE TABLE "idempotency_keys" (
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_workspace_id_user_id_key_pk" PRIMARY KEY("workspace_id","user_id","key")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"workspace_id" text NOT NULL,
	"team_id" text NOT NULL,
	"user_id" text NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"weight" integer DEFAULT 1 NOT NULL,
	"cap" integer,
	"leave_from" timestamp with time zone,
	"leave_until" timestamp with time zone,
	CONSTRAINT "memberships_workspace_id_team_id_user_id_pk" PRIMARY KEY("workspace_id","team_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"user_id" text NOT NULL,
	"record_id" text,
	"kind" text NOT NULL,
	"message" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "notifications_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"record_id" text,
	"event" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "record_events" (
	"workspace_id" text NOT NULL,
	"record_id" text NOT NULL,
	"seq" integer NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"data" jsonb NOT NULL,
	"record_version" integer NOT NULL,
	CONSTRAINT "record_events_workspace_id_record_id_seq_pk" PRIMARY KEY("workspace_id","record_id","seq")
);
--> statement-breakpoint
CREATE TABLE "records" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"sop_id" text NOT NULL,
	"sop_version" integer NOT NULL,
	"status" text NOT NULL,
	"state" jsonb NOT NULL,
	"fields" jsonb NOT NULL,
	"owner_id" text,
	"team_id" text,
	"stage" text NOT NULL,
	"stages" text[] NOT NULL,
	"due_at" timestamp with time zone,
	"version" integer NOT NULL,
	"event_count" integer NOT NULL,
	"search" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "records_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sessions_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "sop_versions" (
	"workspace_id" text NOT NULL,
	"sop_id" text NOT NULL,
	"version" integer NOT NULL,
	"doc" jsonb NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"hash" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" text,
	CONSTRAINT "sop_versions_workspace_id_sop_id_version_pk" PRIMARY KEY("workspace_id","sop_id","version")
);
--> statement-breakpoint
CREATE TABLE "sops" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" jsonb NOT NULL,
	"draft" jsonb NOT NULL,
	"draft_updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"draft_updated_by" text,
	"published_version" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sops_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"rr_cursor" integer DEFAULT 0 NOT NULL,
	"assigned" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"record_id" text NOT NULL,
	"stage" text NOT NULL,
	"rung" integer NOT NULL,
	"kind" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"claimed_by" text,
	"claimed_until" timestamp with time zone,
	"fired_at" timestamp with time zone,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "timers_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"locale" text DEFAULT 'zh-CN' NOT NULL,
	"password_hash" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"calendar" jsonb,
	"clock_offset_ms" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "memberships_user_idx" ON "memberships" USING btree ("workspace_id","user_id");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("workspace_id","user_id","created_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("workspace_id","created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "records_owner_idx" ON "records" USING btree ("workspace_id","owner_id","status","due_at");--> statement-breakpoint
CREATE INDEX "records_team_idx" ON "records" USING btree ("workspace_id","team_id","status","due_at");--> statement-breakpoint
CREATE INDEX "records_sop_idx" ON "records" USING btree ("workspace_id","sop_id","sop_version","status");--> statement-breakpoint
CREATE INDEX "records_created_idx" ON "records" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "records_due_idx" ON "records" USING btree ("workspace_id","status","due_at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("workspace_id","user_id");--> statement-breakpoint
CREATE INDEX "timers_record_idx" ON "timers" USING btree ("workspace_id","record_id");--> statement-breakpoint
CREATE INDEX "timers_due_idx" ON "timers" USING btree ("due_at") WHERE status in ('pending', 'claimed');--> statement-breakpoint
CREATE UNIQUE INDEX "users_workspace_email_key" ON "users" USING btree ("workspace_id","email");--> statement-breakpoint
CREATE INDEX "users_email_idx" ON "users" USING btree ("email");