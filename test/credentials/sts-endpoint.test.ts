// Where STS calls go (docs/aws-protocols.md#sts-endpoints).

import { describe, expect, it } from 'vitest'
import { readStsSettings, stsEndpoint } from '../../src/credentials/sts.ts'
import { ConfigError } from '../../src/model/validate.ts'

const regional = { legacy: false, endpointUrl: undefined }

describe('stsEndpoint', () => {
  it.each([
    ['the regional endpoint', 'eu-west-1', undefined, regional, { url: 'https://sts.eu-west-1.amazonaws.com/', region: 'eu-west-1' }],
    ['China', 'cn-north-1', undefined, regional, { url: 'https://sts.cn-north-1.amazonaws.com.cn/', region: 'cn-north-1' }],
    [
      'the global endpoint in legacy mode',
      'eu-west-1',
      undefined,
      { legacy: true, endpointUrl: undefined },
      { url: 'https://sts.amazonaws.com/', region: 'us-east-1' },
    ],
    ['the global endpoint without a region', undefined, undefined, regional, { url: 'https://sts.amazonaws.com/', region: 'us-east-1' }],
    [
      'aws_sts_endpoint_url as given, port and path included',
      'eu-west-1',
      'http://127.0.0.1:4566/sts',
      regional,
      { url: 'http://127.0.0.1:4566/sts', region: 'eu-west-1' },
    ],
    [
      'AWS_ENDPOINT_URL_STS',
      'eu-west-1',
      undefined,
      { legacy: false, endpointUrl: 'https://vpce-1.sts.eu-west-1.vpce.amazonaws.com' },
      { url: 'https://vpce-1.sts.eu-west-1.vpce.amazonaws.com', region: 'eu-west-1' },
    ],
    [
      'aws_sts_endpoint_url over AWS_ENDPOINT_URL_STS',
      'eu-west-1',
      'https://a.example',
      { legacy: false, endpointUrl: 'https://b.example' },
      { url: 'https://a.example', region: 'eu-west-1' },
    ],
    [
      'an override signed for us-east-1 in legacy mode',
      'eu-west-1',
      'https://a.example',
      { legacy: true, endpointUrl: undefined },
      { url: 'https://a.example', region: 'us-east-1' },
    ],
    [
      'the global host as an override, signed for us-east-1',
      'eu-west-1',
      'https://sts.amazonaws.com',
      regional,
      { url: 'https://sts.amazonaws.com', region: 'us-east-1' },
    ],
    [
      'a regional host as an override, signed for its region',
      'eu-west-1',
      'https://sts.ap-south-1.amazonaws.com',
      regional,
      { url: 'https://sts.ap-south-1.amazonaws.com', region: 'ap-south-1' },
    ],
    [
      'a FIPS host in legacy mode, signed for its region',
      'us-east-2',
      'https://sts-fips.us-east-2.amazonaws.com',
      { legacy: true, endpointUrl: undefined },
      { url: 'https://sts-fips.us-east-2.amazonaws.com', region: 'us-east-2' },
    ],
    [
      'legacy mode outside the aws partition: still regional',
      'cn-north-1',
      undefined,
      { legacy: true, endpointUrl: undefined },
      { url: 'https://sts.cn-north-1.amazonaws.com.cn/', region: 'cn-north-1' },
    ],
    [
      'legacy mode in GovCloud: still regional',
      'us-gov-west-1',
      undefined,
      { legacy: true, endpointUrl: undefined },
      { url: 'https://sts.us-gov-west-1.amazonaws.com/', region: 'us-gov-west-1' },
    ],
  ])('%s', (_, region, configured, settings, expected) => {
    expect(stsEndpoint(region, configured, settings)).toEqual(expected)
  })
})

describe('readStsSettings', () => {
  it('reads AWS_STS_REGIONAL_ENDPOINTS and AWS_ENDPOINT_URL_STS', () => {
    expect(readStsSettings({})).toEqual(regional)
    expect(readStsSettings({ AWS_STS_REGIONAL_ENDPOINTS: 'legacy', AWS_ENDPOINT_URL_STS: 'http://localhost:4566' })).toEqual({
      legacy: true,
      endpointUrl: 'http://localhost:4566',
    })
  })

  it('refuses values it cannot use, naming the variable', () => {
    const error = (() => {
      try {
        readStsSettings({ AWS_STS_REGIONAL_ENDPOINTS: 'global', AWS_ENDPOINT_URL_STS: 'sts.local' })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems).toEqual([
      { path: 'AWS_STS_REGIONAL_ENDPOINTS', message: 'expected one of: regional, legacy' },
      { path: 'AWS_ENDPOINT_URL_STS', message: 'missing scheme in url' },
    ])
  })
})
