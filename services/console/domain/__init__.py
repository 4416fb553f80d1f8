"""The console's pure core: event views, filters and scope, narration, stories, lab milestones."""
