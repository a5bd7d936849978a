package io.github.quiesce.testkit.restore;

/**
 * How the copy is pointed at its source. Both are tested because they fail differently: by GTID the
 * source skips what the set names, so a set that lags the data replays transactions; by file and
 * position the server trusts the offset alone, so a position that lags the data (GTID off) replays them.
 */
public enum ReplayMode {
    /** MySQL {@code gtid_purged} + {@code MASTER_AUTO_POSITION=1}; MariaDB {@code gtid_slave_pos} + {@code MASTER_USE_GTID=slave_pos}. */
    GTID("by GTID"),
    /** {@code MASTER_LOG_FILE} + {@code MASTER_LOG_POS}, GTIDs not used to position. */
    FILE_POSITION("by file/pos");

    private final String label;

    ReplayMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
