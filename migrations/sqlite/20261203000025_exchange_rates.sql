-- Exchange rates to the organisation currency, each applying from a day (organisation time)
-- until the currency's next rate. The rate is kept as the decimal text an admin wrote: one unit
-- of `currency` buys `rate` units of `quote`. Rates to a former organisation currency stay but
-- are not used.
CREATE TABLE exchange_rates (
    currency TEXT NOT NULL,
    quote TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    rate TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (currency, quote, effective_from)
);

-- Money figures are now converted to the organisation currency amount by amount (before, every
-- currency's minor units were added together): stored weeks are computed again from the raw
-- rows when next read.
DELETE FROM report_touches;
DELETE FROM report_figures;
DELETE FROM report_recovery_times;
DELETE FROM report_weeks;
