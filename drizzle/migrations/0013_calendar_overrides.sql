CREATE TABLE "calendar_overrides" (
	"year" integer NOT NULL,
	"date" text NOT NULL,
	"off" boolean NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_overrides_year_date_pk" PRIMARY KEY("year","date")
);
