CREATE TABLE "chat_channels" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"secret" text,
	"keyword" text,
	"team_id" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"disabled_at" timestamp with time zone,
	"failing_since" timestamp with time zone,
	"rate_state" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_channels_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "chat_queue" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"channel_id" text NOT NULL,
	"source_id" text NOT NULL,
	"locale" text NOT NULL,
	"note" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivery_id" text,
	CONSTRAINT "chat_queue_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "link_keys" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "link_keys_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "notification_rules" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"event" text NOT NULL,
	"target" text NOT NULL,
	"channel_id" text,
	"webhook_id" text,
	"team_id" text,
	"sop_id" text,
	"mention_owner" boolean DEFAULT false NOT NULL,
	"mention_manager" boolean DEFAULT false NOT NULL,
	"locale" text DEFAULT 'zh-CN' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_rules_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "mobile" text;--> statement-breakpoint
CREATE UNIQUE INDEX "chat_queue_source_uq" ON "chat_queue" USING btree ("workspace_id","channel_id","source_id");--> statement-breakpoint
CREATE INDEX "chat_queue_waiting_idx" ON "chat_queue" USING btree ("workspace_id","channel_id","created_at") WHERE delivery_id is null;--> statement-breakpoint
CREATE INDEX "notification_rules_event_idx" ON "notification_rules" USING btree ("workspace_id","event");