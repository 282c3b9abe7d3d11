ALTER TABLE "imports" ADD COLUMN "run_by" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "lease_until" timestamp with time zone;