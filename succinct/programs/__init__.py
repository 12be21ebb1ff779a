"""Programs that describe languages symbolically: B-RASP (§2.4), LTL (§2.2) and cascades
of reset semiautomata, each with its own reference interpreter."""
