-- Formula: docs/analytics.md#link-velocity
-- New, lost and net referring domains per site per day (only events a tool dated to the day), with the modified
-- z-score of new referring domains over the trailing window and spike flags (see
-- int_velocity__robust_z; thresholds in sites.yml).
{{ link_velocity_mart('day') }}
