package se.portvakt.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Counts the database work a started server does, on the JDBC side (PostgreSQL's own counters are per database,
 * which the tests share): transactions as PostgreSQL counts them (a commit or rollback after a statement, or a
 * statement run in auto-commit mode; the driver sends no commit for a transaction that ran nothing) and statements
 * by their SQL. Import {@link Config} into a test to put it around the pool.
 */
public final class JdbcWork {

    /** Puts the counter around the application's data source. */
    @TestConfiguration
    public static class Config {
        @Bean
        static BeanPostProcessor countingDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource dataSource ? JdbcWork.around(dataSource) : bean;
                }
            };
        }
    }

    private static final AtomicLong TRANSACTIONS = new AtomicLong();
    private static final Map<String, LongAdder> STATEMENTS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> ROWS = new ConcurrentHashMap<>();

    private JdbcWork() {}

    /** What was counted so far: transactions, and how often each statement ran. */
    public record Snapshot(long transactions, Map<String, Long> statements, Map<String, Long> rows) {

        /** The work done between {@code earlier} and this. */
        public Snapshot since(Snapshot earlier) {
            return new Snapshot(transactions - earlier.transactions, minus(statements, earlier.statements),
                    minus(rows, earlier.rows));
        }

        private static Map<String, Long> minus(Map<String, Long> later, Map<String, Long> earlier) {
            Map<String, Long> more = new LinkedHashMap<>();
            later.forEach((sql, count) -> {
                long n = count - earlier.getOrDefault(sql, 0L);
                if (n > 0) {
                    more.put(sql, n);
                }
            });
            return more;
        }

        /** Rows written (inserted, updated or deleted). */
        public long rowsWritten() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }

        public long statementCount() {
            return statements.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Statements that write: INSERT, UPDATE, DELETE, MERGE. */
        public long writes() {
            return statements.entrySet().stream().filter(e -> isWrite(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(transactions + " transactions, " + statementCount() + " statements ("
                    + writes() + " writing " + rowsWritten() + " rows)\n");
            statements.forEach((sql, n) -> text.append("    ").append(n).append(" x ").append(sql)
                    .append(rows.containsKey(sql) ? "  -> " + rows.get(sql) + " rows" : "").append('\n'));
            return text.toString();
        }
    }

    public static Snapshot now() {
        Map<String, Long> statements = new LinkedHashMap<>();
        STATEMENTS.forEach((sql, n) -> statements.put(sql, n.sum()));
        Map<String, Long> rows = new LinkedHashMap<>();
        ROWS.forEach((sql, n) -> rows.put(sql, n.sum()));
        return new Snapshot(TRANSACTIONS.get(), statements, rows);
    }

    static boolean isWrite(String sql) {
        String start = sql.stripLeading().toUpperCase();
        return start.startsWith("INSERT") || start.startsWith("UPDATE") || start.startsWith("DELETE")
                || start.startsWith("MERGE");
    }

    static DataSource around(DataSource dataSource) {
        return proxy(DataSource.class, dataSource, (method, args, result) ->
                result instanceof Connection connection ? connection(connection) : result);
    }

    private static Connection connection(Connection connection) {
        AtomicBoolean ranSomething = new AtomicBoolean();
        return proxy(Connection.class, connection, (method, args, result) -> {
            switch (method.getName()) {
                case "commit", "rollback" -> {
                    if ((args == null || args.length == 0) && ranSomething.getAndSet(false)) {
                        TRANSACTIONS.incrementAndGet();
                    }
                }
                case "prepareStatement", "prepareCall" -> {
                    return statement((Statement) result, connection, (String) args[0], ranSomething);
                }
                case "createStatement" -> {
                    return statement((Statement) result, connection, null, ranSomething);
                }
                default -> {}
            }
            return result;
        });
    }

    private static Statement statement(Statement statement, Connection connection, String prepared,
            AtomicBoolean ranSomething) {
        @SuppressWarnings("unchecked")
        Class<Statement> type = (Class<Statement>) (Class<?>) (statement instanceof java.sql.CallableStatement ? java.sql.CallableStatement.class
                : statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class);
        return proxy(type, statement, new Interceptor() {
            @Override
            public void before(Method method, Object[] args) throws Exception {
                if (method.getName().startsWith("execute")) {
                    String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : prepared;
                    STATEMENTS.computeIfAbsent(oneLine(sql), s -> new LongAdder()).increment();
                    if (connection.getAutoCommit()) {
                        TRANSACTIONS.incrementAndGet();
                    } else {
                        ranSomething.set(true);
                    }
                }
            }

            @Override
            public Object after(Method method, Object[] args, Object result) throws Exception {
                if (method.getName().startsWith("execute")) {
                    String sql = oneLine(args != null && args.length > 0 && args[0] instanceof String text ? text : prepared);
                    long rows = result instanceof Integer n ? n : result instanceof Long n ? n
                            : result instanceof int[] batch ? java.util.Arrays.stream(batch).filter(n -> n > 0).sum()
                            : result instanceof Boolean query && !query ? Math.max(0, statement.getUpdateCount()) : 0;
                    if (isWrite(sql)) {
                        ROWS.computeIfAbsent(sql, s -> new LongAdder()).add(rows);
                    }
                }
                return result;
            }
        });
    }

    private static String oneLine(String sql) {
        String line = sql == null ? "?" : sql.replaceAll("\\s+", " ").strip();
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    private interface Interceptor {
        default void before(Method method, Object[] args) throws Exception {}

        Object after(Method method, Object[] args, Object result) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Interceptor interceptor) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                return method.invoke(target, args);
            }
            interceptor.before(method, args);
            try {
                return interceptor.after(method, args, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(JdbcWork.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
