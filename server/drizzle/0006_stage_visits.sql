CREATE TABLE "stage_visits" (
	"workspace_id" text NOT NULL,
	"record_id" text NOT NULL,
	"stage" text NOT NULL,
	"entry" integer NOT NULL,
	"sop_id" text NOT NULL,
	"sop_version" integer NOT NULL,
	"record_created_at" timestamp with time zone NOT NULL,
	"entered_at" timestamp with time zone NOT NULL,
	"exited_at" timestamp with time zone,
	"wall_ms" double precision,
	"work_ms" double precision,
	"breached" boolean DEFAULT false NOT NULL,
	"next" text[],
	CONSTRAINT "stage_visits_workspace_id_record_id_stage_entry_pk" PRIMARY KEY("workspace_id","record_id","stage","entry")
);
--> statement-breakpoint
CREATE INDEX "stage_visits_cohort_idx" ON "stage_visits" USING btree ("workspace_id","sop_id","record_created_at","record_id","stage","entered_at","exited_at","wall_ms","work_ms","breached","next");--> statement-breakpoint
DROP INDEX "records_scope_idx";--> statement-breakpoint
CREATE INDEX "records_updated_idx" ON "records" USING btree ("workspace_id","updated_at","id","sop_id","sop_version","team_id","owner_id","status");--> statement-breakpoint
-- Backfill from the history (docs/reports.md). A visit is a stage.entered and
-- the events of that stage up to its next entry: its exit is the first stage.exited among
-- them, breached when an sla.breached is among them. The events of one command share its
-- record version, so the stages the exiting command entered are the entries of that version.
-- Working time is left null: reports derive it from the workspace calendar for these rows.
-- Events without a stage (hand-written test or benchmark rows) have no visit.
-- The SOP version is the record's current one (the version at entry is not worth replaying).
INSERT INTO "stage_visits" ("workspace_id", "record_id", "stage", "entry", "sop_id", "sop_version",
  "record_created_at", "entered_at", "exited_at", "wall_ms", "work_ms", "breached", "next")
WITH ev AS (
  SELECT e.workspace_id, e.record_id, e.seq, e.type, e.at, e.record_version AS ver,
         e.data ->> 'stage' AS stage, coalesce((e.data ->> 'entry')::int, e.record_version) AS entry,
         count(*) FILTER (WHERE e.type = 'stage.entered')
           OVER (PARTITION BY e.workspace_id, e.record_id, e.data ->> 'stage' ORDER BY e.seq) AS n
    FROM record_events e
   WHERE e.type IN ('stage.entered', 'stage.exited', 'sla.breached') AND e.data ->> 'stage' IS NOT NULL
), v AS (
  SELECT workspace_id, record_id, stage,
         (array_agg(entry ORDER BY seq) FILTER (WHERE type = 'stage.entered'))[1] AS entry,
         min(at) FILTER (WHERE type = 'stage.entered') AS entered_at,
         (array_agg(at ORDER BY seq) FILTER (WHERE type = 'stage.exited'))[1] AS exited_at,
         (array_agg(ver ORDER BY seq) FILTER (WHERE type = 'stage.exited'))[1] AS exit_ver,
         bool_or(type = 'sla.breached') AS breached
    FROM ev
   WHERE n > 0
   GROUP BY workspace_id, record_id, stage, n
), nx AS (
  SELECT workspace_id, record_id, record_version AS ver, array_agg(data ->> 'stage' ORDER BY seq) AS stages
    FROM record_events
   WHERE type = 'stage.entered' AND data ->> 'stage' IS NOT NULL
   GROUP BY workspace_id, record_id, record_version
)
SELECT v.workspace_id, v.record_id, v.stage, v.entry, r.sop_id, r.sop_version, r.created_at,
       v.entered_at, v.exited_at,
       extract(epoch FROM v.exited_at - v.entered_at) * 1000, NULL, v.breached,
       CASE WHEN v.exited_at IS NOT NULL THEN coalesce(nx.stages, '{}'::text[]) END
  FROM v
  JOIN records r ON r.workspace_id = v.workspace_id AND r.id = v.record_id
  LEFT JOIN nx ON nx.workspace_id = v.workspace_id AND nx.record_id = v.record_id AND nx.ver = v.exit_ver
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- the stage figures no longer read stage events: their covering index goes (after the backfill)
DROP INDEX "record_events_stage_idx";
