ALTER TABLE "workspaces" ADD COLUMN "reps_may_import" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "form_submissions" ADD COLUMN "reviewed_by" text;--> statement-breakpoint
CREATE INDEX "form_submissions_status_idx" ON "form_submissions" USING btree ("workspace_id","status","created_at");