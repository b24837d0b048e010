package dev.streamproxy.boot.app;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The README's Spring Boot registration ("Programmatic registration"), line for line: {@code ReadmeSnippetTest}
 * fails when the two differ, so what the README tells users is what these tests run.
 */
@Configuration(proxyBeanMethods = false)
public class ApiProxyConfiguration {

    // Spring Boot (embedded Tomcat or Jetty)
    // with api.upstream=http://10.0.0.5:9000/svc in application.properties
    @Bean
    FilterRegistrationBean<ProxyFilter> apiProxy(@Value("${api.upstream}") String upstream) {
        ProxyConfig config = ProxyConfig.builder().targetUri(upstream).prefix("/api").build();
        FilterRegistrationBean<ProxyFilter> bean = new FilterRegistrationBean<>(new ProxyFilter(config));
        bean.addUrlPatterns("/api/*");
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);   // before filters that read the body
        return bean;
    }
}
