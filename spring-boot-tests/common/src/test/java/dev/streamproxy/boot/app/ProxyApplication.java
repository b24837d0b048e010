package dev.streamproxy.boot.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An ordinary Spring Boot web application (embedded Tomcat, Spring MVC, Boot's default filters) that registers the
 * proxy filter exactly as the README shows ({@link ApiProxyConfiguration}) next to a controller of its own
 * ({@link HelloController}).
 */
@SpringBootApplication
public class ProxyApplication {

    public static void main(String[] args) {
        SpringApplication.run(ProxyApplication.class, args);
    }
}
