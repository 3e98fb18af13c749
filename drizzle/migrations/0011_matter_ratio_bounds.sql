ALTER TABLE "matters" ADD COLUMN "ratio_floor" double precision;--> statement-breakpoint
ALTER TABLE "matters" ADD COLUMN "ratio_ceiling" double precision;