package io.github.quiesce.it;

import java.util.List;
import java.util.stream.Stream;

/**
 * One cell of issue 14's matrix, and what it may answer. Without RELOAD, ftwrl (and everything on
 * MariaDB, where every strategy takes RELOAD) must refuse; GTID off without RELOAD may refuse, since
 * a strategy that cannot open exact snapshots there should say so. Nothing else may refuse, and nothing
 * may diverge.
 */
record ReplayCombination(ReplaySource source, String strategy, ReplayAccount account, boolean longQuery) {

    static Stream<ReplayCombination> all(List<ReplaySource> sources) {
        return sources.stream().flatMap(source -> source.strategies().stream().flatMap(strategy ->
                accounts(source).stream().flatMap(account ->
                        Stream.of(false, true).map(longQuery -> new ReplayCombination(source, strategy, account, longQuery)))));
    }

    /** read-only on a replica needs RELOAD and SUPER-like rights; refusing a weaker account there says nothing new. */
    private static List<ReplayAccount> accounts(ReplaySource source) {
        return source.replica() ? List.of(ReplayAccount.ROOT) : List.of(ReplayAccount.values());
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
