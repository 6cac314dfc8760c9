package se.portvakt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many browsers pressing the same button (or clients sending the same request) at the same moment, for the tests
 * of single-use secrets and limits.
 */
public final class Race {

    private Race() {}

    /**
     * Each browser (with its own session and CSRF token, ready at the page) posts the form at once; returns the
     * answers, all of which must be a page or a redirect (never an error).
     */
    public static List<HttpResponse<String>> post(List<HttpAgent> browsers, String path, Map<String, String> form)
            throws Exception {
        List<Callable<HttpResponse<String>>> posts = new ArrayList<>();
        for (HttpAgent browser : browsers) {
            posts.add(() -> browser.post(path, form));
        }
        List<HttpResponse<String>> answers = atOnce(posts);
        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isIn(200, 302));
        return answers;
    }

    /**
     * Sends the same protocol request (a token request, say) {@code count} times at once, each from a client of
     * its own; returns the answers as they came, for the test to judge (an OAuth error is an expected answer).
     */
    public static List<HttpResponse<String>> send(int count, Callable<HttpResponse<String>> request) throws Exception {
        return run(count, request);
    }

    /** Runs the task {@code times} times at the same moment, each on a thread of its own; returns the answers. */
    public static <T> List<T> run(int times, Callable<T> task) throws Exception {
        return atOnce(Collections.nCopies(times, task));
    }

    private static <T> List<T> atOnce(List<Callable<T>> tasks) throws Exception {
        CountDownLatch ready = new CountDownLatch(tasks.size());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> pending = new ArrayList<>();
            for (Callable<T> task : tasks) {
                pending.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<T> answers = new ArrayList<>();
            for (Future<T> answer : pending) {
                answers.add(answer.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
