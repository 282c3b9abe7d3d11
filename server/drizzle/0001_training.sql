CREATE TABLE "practice_sessions" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"assignment_id" text NOT NULL,
	"user_id" text NOT NULL,
	"sop_id" text NOT NULL,
	"sop_version" integer NOT NULL,
	"status" text NOT NULL,
	"record" jsonb NOT NULL,
	"events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"log" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sim_start" bigint NOT NULL,
	"sim_now" bigint NOT NULL,
	"seq" integer DEFAULT 0 NOT NULL,
	"walked_path" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "practice_sessions_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "quiz_attempts" (
	"workspace_id" text NOT NULL,
	"assignment_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"score" integer NOT NULL,
	"total" integer NOT NULL,
	"passed" boolean NOT NULL,
	"answers" jsonb NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "quiz_attempts_workspace_id_assignment_id_attempt_pk" PRIMARY KEY("workspace_id","assignment_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "training_assignments" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"sop_id" text NOT NULL,
	"sop_version" integer NOT NULL,
	"user_id" text NOT NULL,
	"assigned_by" text NOT NULL,
	"due_at" timestamp with time zone,
	"walked_paths" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"quiz_attempts" integer DEFAULT 0 NOT NULL,
	"quiz_best_score" integer,
	"quiz_passed_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "training_assignments_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE INDEX "practice_sessions_assignment_idx" ON "practice_sessions" USING btree ("workspace_id","assignment_id","created_at");--> statement-breakpoint
CREATE INDEX "training_assignments_user_idx" ON "training_assignments" USING btree ("workspace_id","user_id","created_at");--> statement-breakpoint
CREATE INDEX "training_assignments_sop_idx" ON "training_assignments" USING btree ("workspace_id","sop_id");