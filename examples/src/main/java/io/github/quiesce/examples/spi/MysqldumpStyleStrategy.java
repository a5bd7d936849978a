package io.github.quiesce.examples.spi;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.Support;
import io.github.quiesce.spi.support.BinaryLogStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The SPI walkthrough of README.md: mysqldump's own flow ({@code --single-transaction --source-data}) as
 * a strategy, in a module of its own, registered in {@code META-INF/services} and never changing core.
 * It is a plain FTWRL, without the long-query guard, acquire timeout and retry that {@code FlushingLock}
 * would give it, so {@code auto} never picks it: it runs only when named ({@code strategy("mysqldump-style")}).
 */
public final class MysqldumpStyleStrategy implements LockStrategy {

    static final String LOCK = "FLUSH TABLES WITH READ LOCK";
    static final String UNLOCK = "UNLOCK TABLES";

    @Override
    public String name() {
        return "mysqldump-style";
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public boolean selectableByAuto() {
        return false;
    }

    @Override
    public Support supports(ServerInfo server) {
        return Support.yes();
    }

    @Override
    public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        List<PrivilegeRequirement> r = new ArrayList<>(BinaryLogStatus.requirements(server));
        r.add(PrivilegeRequirement.of(Privilege.RELOAD, LOCK)); // checked before anything is locked
        return r;
    }

    @Override
    public void acquire(LockContext context) {
        context.sql().execute(LOCK); // logged at DEBUG with its duration
        context.onRelease(UNLOCK, sql -> sql.execute(UNLOCK)); // undone at close, or at once if a later step fails
    }

    @Override
    public BinlogCoordinates captureCoordinates(LockContext context) {
        BinlogCoordinates c = BinaryLogStatus.read(context.sql(), context.server());
        context.snapshots().open(); // commits are stopped: snapshots opened now see exactly c
        return c;
    }
}
