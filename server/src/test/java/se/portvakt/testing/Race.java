package se.portvakt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Many browsers pressing the same button at the same moment, for the tests of single-use secrets and limits. */
public final class Race {

    private Race() {}

    /**
     * Each browser (with its own session and CSRF token, ready at the page) posts the form at once; returns the
     * answers, all of which must be a page or a redirect (never an error).
     */
    public static List<HttpResponse<String>> post(List<HttpAgent> browsers, String path, Map<String, String> form)
            throws Exception {
        CountDownLatch ready = new CountDownLatch(browsers.size());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(browsers.size());
        try {
            List<Future<HttpResponse<String>>> pending = new ArrayList<>();
            for (HttpAgent browser : browsers) {
                pending.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return browser.post(path, form);
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : pending) {
                answers.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isIn(200, 302));
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs the task {@code times} times at the same moment, each on a thread of its own; returns the answers. */
    public static <T> List<T> run(int times, Callable<T> task) throws Exception {
        CountDownLatch ready = new CountDownLatch(times);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(times);
        try {
            List<Future<T>> pending = new ArrayList<>();
            for (int i = 0; i < times; i++) {
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
