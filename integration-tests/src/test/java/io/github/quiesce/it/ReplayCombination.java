package io.github.quiesce.it;

import java.util.List;
import java.util.stream.Stream;

/**
 * One cell of issue 14's matrix, and what it may answer. Without RELOAD, ftwrl (and everything on
 * MariaDB, where every strategy takes RELOAD) must refuse; GTID off without RELOAD may refuse, since
 * a strategy that cannot open exact snapshots there should say so. The cloud master user (issue 17) must
 * never be refused. Nothing else may refuse, and nothing may diverge.
 */
record ReplayCombination(ReplaySource source, String strategy, ReplayAccount account, boolean longQuery) {

    static Stream<ReplayCombination> all(List<ReplaySource> sources) {
        return Stream.concat(
                sources.stream().flatMap(source -> source.strategies().stream()
                        .flatMap(strategy -> accounts(source).stream().flatMap(account -> Stream.of(false, true)
                                .map(longQuery -> new ReplayCombination(source, strategy, account, longQuery))))),
                sources.stream().flatMap(ReplayCombination::cloud));
    }

    /**
     * The other versions (issue 15): each strategy as root with the long query running, the case where their
     * table flushes would pile writers up; the account and GTID-off rows stay on the two versions above, for
     * CI's time.
     */
    static Stream<ReplayCombination> rootWithLongQuery(List<ReplaySource> sources) {
        return sources.stream().flatMap(source -> source.strategies().stream()
                .map(strategy -> new ReplayCombination(source, strategy, ReplayAccount.ROOT, true)));
    }

    /** read-only on a replica needs RELOAD and SUPER-like rights; refusing a weaker account there says nothing new. */
    private static List<ReplayAccount> accounts(ReplaySource source) {
        return source.replica() ? List.of(ReplayAccount.ROOT) : List.of(ReplayAccount.ROOT, ReplayAccount.NO_RELOAD);
    }

    /**
     * Issue 17: the cloud master user, with {@code auto} (which can only take {@code table-locks} for it) with and
     * without the long query, and {@code table-locks} named; the other strategies would refuse it before any lock,
     * which the no-RELOAD rows already show. Kept to these three cells per source for CI's time.
     */
    private static Stream<ReplayCombination> cloud(ReplaySource source) {
        if (source.replica()) {
            return Stream.empty();
        }
        return Stream.of(
                new ReplayCombination(source, "table-locks", ReplayAccount.CLOUD, false),
                new ReplayCombination(source, "auto", ReplayAccount.CLOUD, false),
                new ReplayCombination(source, "auto", ReplayAccount.CLOUD, true));
    }

    boolean refusalExpected() {
        return account == ReplayAccount.NO_RELOAD && (strategy.equals("ftwrl") || source.mariaDb());
    }

    boolean refusalAllowed() {
        return refusalExpected() || (account == ReplayAccount.NO_RELOAD && source == ReplaySource.MYSQL_NO_GTID);
    }

    String label() {
        return source.label() + " | " + strategy + " | " + account.label() + (longQuery ? " | long query" : "");
    }

    @Override
    public String toString() {
        return label();
    }
}
