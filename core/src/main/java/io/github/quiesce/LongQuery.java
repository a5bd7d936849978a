package io.github.quiesce;

/**
 * A statement running on the server that a lock would wait for, as the long-query guard saw it (see
 * {@link BackupEvent.WaitingForLongQueries}, {@link BackupEvent.LongQueryKilled}): what an operator
 * needs at 3 a.m. to find and judge it.
 *
 * @param id     the processlist id ({@code KILL QUERY id} ends it)
 * @param user   the account running it
 * @param millis how long it had run when seen
 * @param query  its text, as the processlist shows it
 */
public record LongQuery(String id, String user, long millis, String query) {
    @Override
    public String toString() {
        return "id " + id + " by " + user + " for " + millis + " ms: " + query;
    }
}
