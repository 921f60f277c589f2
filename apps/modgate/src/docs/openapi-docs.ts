import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { openApiJson } from './openapi-document.js';

/** The admin API's OpenAPI document, built once the application's routes are known (bootstrap). */
@Injectable()
export class OpenApiDocs {
  private text?: string;

  publish(document: OpenAPIObject): void {
    this.text = openApiJson(document);
  }

  /** The document's JSON; undefined until {@link publish}. */
  json(): string | undefined {
    return this.text;
  }
}
