package dev.streamproxy.boot.app;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The application's own endpoint: requests outside the proxy's prefix must still reach Spring MVC. */
@RestController
public class HelloController {

    @GetMapping("/hello")
    public String hello() {
        return "app";
    }
}
